package dev.agentguard.core.action;

import dev.agentguard.core.shell.ShellLine;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SSH action: normalised host, user and paths; a command line, an unreadable one or an SFTP operation. */
class SshActionTest {

    @Test
    void parsesACommandLine() throws Exception {
        SshAction a = SshAction.parse("App1.Example.COM", "deploy", "cat x | grep y", false, "/home/deploy/");
        assertTrue(a.isCommand());
        assertEquals("app1.example.com", a.host());
        assertEquals("/home/deploy", a.workingDirectory());
        assertEquals(2, a.command().commands().size());
        assertEquals("ssh deploy@app1.example.com: cat, grep", a.describe());
        assertEquals(List.of(), a.sftpPaths());
        assertEquals(a, SshAction.command("app1.example.com", "deploy", ShellLine.parse("cat x | grep y"), false,
                "/home/deploy"));
    }

    @Test
    void recordsALineThatCannotBeReadWithItsReasonButNotItsText() {
        SshAction a = SshAction.parse("app1", null, "mysql -phunter2 'x", true, null);
        assertTrue(a.isUnreadable());
        assertNull(a.command());
        assertEquals("unterminated single quote (at character 17)", a.unreadableReason());
        assertEquals("ssh app1: a command line that could not be read", a.describe());
        assertFalse(a.toString().contains("hunter2"));
    }

    @Test
    void normalisesSftpPathsButKeepsDotDot() {
        SshAction a = SshAction.sftp("[::1]", "deploy", null, SftpOperation.RENAME, "/var//log/./app/", "a/../b");
        assertEquals("::1", a.host());
        assertEquals(List.of("/var/log/app", "a/../b"), a.sftpPaths());
        assertEquals("sftp deploy@::1: rename", a.describe());
        assertTrue(SftpOperation.RENAME.writes());
        assertFalse(SftpOperation.READ.writes());
        assertEquals(List.of("/"), SshAction.sftp("h", null, null, SftpOperation.LIST, "//").sftpPaths());
    }

    @Test
    void refusesMalformedValuesWithoutEchoingThem() {
        assertEquals("SSH host must be a host name or IP address (letters, digits, '.', '-', ':'), 1 to 253 characters",
                assertThrows(IllegalArgumentException.class, () -> SshAction.parse("app 1", null, "ls", false, null))
                        .getMessage());
        assertEquals("SSH user must be 1 to 100 letters, digits or . _ - @ $ \\, starting with a letter, digit, '.' or "
                + "'_'; use null when the user is not known", assertThrows(IllegalArgumentException.class,
                () -> SshAction.parse("h", "a b", "ls", false, null)).getMessage());
        assertEquals("workingDirectory must be an absolute path without '..' segments, or null when not known",
                assertThrows(IllegalArgumentException.class, () -> SshAction.parse("h", null, "ls", false, "/a/../b"))
                        .getMessage());
        assertEquals("workingDirectory must be an absolute path without '..' segments, or null when not known",
                assertThrows(IllegalArgumentException.class, () -> SshAction.parse("h", null, "ls", false, "home"))
                        .getMessage());
        assertEquals("SFTP rename names 2 paths (from, to), got 1", assertThrows(IllegalArgumentException.class,
                () -> SshAction.sftp("h", null, null, SftpOperation.RENAME, "/a")).getMessage());
        assertEquals("an SFTP path must not be empty or contain NUL", assertThrows(IllegalArgumentException.class,
                () -> SshAction.sftp("h", null, null, SftpOperation.READ, "/a\0b")).getMessage());
        assertEquals("an SSH action is exactly one of a command line, an unreadable command line or an SFTP operation",
                assertThrows(IllegalArgumentException.class, () -> new SshAction("h", null, false, null, null, null,
                        null, List.of())).getMessage());
        assertEquals("an SFTP operation is never an interactive shell line", assertThrows(IllegalArgumentException.class,
                () -> new SshAction("h", null, true, null, null, null, SftpOperation.LIST, List.of("/"))).getMessage());
    }
}

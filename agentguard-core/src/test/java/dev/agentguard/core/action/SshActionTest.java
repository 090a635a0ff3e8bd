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

    /**
     * The host is compared in one spelling wherever an SSH action is made — the guarded session,
     * {@code agentguard policy check --ssh}, a policy file's expectations — so a rule on a host
     * decides the same for every way of writing it.
     */
    @Test
    void keepsTheHostInTheSpellingPoliciesCompareAndRefusesAmbiguousOrUnspecifiedAddresses() {
        for (String spelling : new String[] {"127.1", "2130706433", "[::ffff:127.0.0.1]", "::FFFF:7F00:1", "127.0.0.1."}) {
            assertEquals("127.0.0.1", SshAction.parse(spelling, "deploy", "uptime", false, null).host(), spelling);
        }
        assertEquals("db.pci.example.com", SshAction.parse("DB.PCI.Example.com.", null, "uptime", false, null).host());
        assertEquals("::1", SshAction.sftp("0:0:0:0:0:0:0:1", null, null, SftpOperation.LIST, "/srv").host());
        assertEquals("SSH host is an IPv4 address with a leading zero, which the JDK reads as decimal and other "
                        + "resolvers and proxies as octal; write it without leading zeros, such as 10.0.0.1",
                assertThrows(IllegalArgumentException.class,
                        () -> SshAction.parse("0177.0.0.1", null, "uptime", false, null)).getMessage());
        for (String any : new String[] {"0.0.0.0", "0", "::", "[::]"}) {
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> SshAction.parse(any, null, "uptime", false, null)).getMessage()
                    .startsWith("SSH host is the unspecified address"), any);
        }
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

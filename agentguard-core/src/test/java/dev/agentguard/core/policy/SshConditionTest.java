package dev.agentguard.core.policy;

import dev.agentguard.core.action.SftpOperation;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ssh condition's values: what it accepts, normalises and refuses, with the exact message. */
class SshConditionTest {

    private static String error(SshCondition.Builder b) {
        return assertThrows(IllegalArgumentException.class, b::build).getMessage();
    }

    @Test
    void normalisesWhatItAccepts() {
        SshCondition c = SshCondition.builder().hosts("APP1.example.com", "*.pci.example.com").users("deploy")
                .programs(" cat ", "/usr/bin/systemctl").arguments("-rf", " spaced ").paths("/var/log/app/**", "/tmp/")
                .writes("/etc/**").build();
        assertEquals(List.of("app1.example.com", "*.pci.example.com"), c.hosts());
        assertEquals(List.of("cat", "/usr/bin/systemctl"), c.programs());
        assertEquals(List.of("-rf", " spaced "), c.arguments());
        assertEquals(List.of("/var/log/app/**", "/tmp"), c.paths());
        assertTrue(c.commandsOnly());
        assertFalse(c.isEmpty());
        assertTrue(SshCondition.ANY.isEmpty());
        assertEquals(Set.of(SftpOperation.READ), SshCondition.builder().sftp(SftpOperation.READ).build().sftp());
    }

    @Test
    void refusesPathsThatAreNotPlainAbsolutePaths() {
        assertEquals("path pattern \"var/log\" is not an absolute path; write paths from the root, such as "
                + "/var/log/app/**", error(SshCondition.builder().paths("var/log")));
        assertEquals("path pattern \"/var/../etc\" has a '..' segment; paths are matched after '.' segments are "
                + "removed, so write the path without dot segments", error(SshCondition.builder().paths("/var/../etc")));
        assertEquals("writes pattern \"/etc//x\" has an empty segment (//); write single slashes",
                error(SshCondition.builder().writes("/etc//x")));
        assertEquals("path pattern \"/var/log**\" has '**' inside a segment; '**' stands alone between slashes "
                + "(/var/log/**), '*' matches within a segment", error(SshCondition.builder().paths("/var/log**")));
        assertEquals("path pattern has a control character; write printable text",
                error(SshCondition.builder().paths("/etc/\nx")));
    }

    @Test
    void refusesProgramsThatAreNotANameOrAnAbsolutePath() {
        assertEquals("program pattern must not be empty; remove the entry or write a program such as cat or "
                + "/usr/bin/cat", error(SshCondition.builder().programs(" ")));
        assertEquals("program pattern \"cat /etc/shadow\" has a space; name the program alone (cat) and its arguments "
                + "in arguments", error(SshCondition.builder().programs("cat /etc/shadow")));
        assertEquals("program pattern \"bin/cat\" is a relative path; write a name (cat) or an absolute path "
                + "(/usr/bin/cat)", error(SshCondition.builder().programs("bin/cat")));
        assertEquals("argument pattern must not be empty; remove the entry or write an argument such as -rf",
                error(SshCondition.builder().arguments("")));
    }

    @Test
    void refusesConditionsNoActionCouldMeet() {
        assertEquals("an ssh condition matches commands (programs, arguments, opaque) or SFTP operations (sftp), not "
                + "both: split it into two rules", error(SshCondition.builder().programs("cat").sftp(SftpOperation.READ)));
        assertEquals("an ssh condition with sftp cannot require interactive: true; SFTP operations are never lines of "
                + "an interactive shell", error(SshCondition.builder().sftp(SftpOperation.READ).interactive(true)));
        assertEquals("host pattern \"a/b\" is not a host: write the host alone (api.example.com), and the scheme, port "
                + "and path in schemes, ports and paths", error(SshCondition.builder().hosts("a/b")));
    }

    @Test
    void anAllowRuleCannotAllowEveryOpaqueCommand() {
        assertEquals("rule \"r\": an allow rule cannot allow every opaque command at once (opaque: true); name the "
                + "programs it allows in programs, without wildcards", assertThrows(IllegalArgumentException.class,
                () -> Rule.allow("r").ssh(SshCondition.builder().opaque(true)).build()).getMessage());
        assertTrue(Rule.deny("r").ssh(SshCondition.builder().opaque(true)).build().condition() instanceof SshCondition);
    }
}

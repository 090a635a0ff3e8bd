package dev.agentguard.ssh;

import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.guard.Guard;
import dev.agentguard.core.guard.PreparedAction;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which command lines a client keeps prepared, and under which key. */
class PreparedCommandsTest {

    @TempJournal
    Journal journal;
    @TempDir
    Path dir;

    private PreparedCommands commands;
    private SshTarget app1;
    private SshTarget app2;

    @BeforeEach
    void setUp() {
        commands = new PreparedCommands(Guard.builder().policy(TestPolicies.ops()).journal(journal).build());
        app1 = target("app1", "/home/deploy");
        app2 = target("app2", "/srv");
    }

    private SshTarget target(String name, String home) {
        return SshTarget.builder(name).host(name + ".internal").user(TestSshServer.USER)
                .credential(SshCredential.privateKeyFile(TestKeys.writePrivateKey(dir, TestKeys.CLIENT_ED25519)))
                .hostKeys(HostKeys.pinned(TestKeys.publicLine(TestKeys.HOST_ED25519)))
                .recordings(dir.resolve("recordings"))
                .homeDirectory(home)
                .build();
    }

    @Test
    void keepsALineWithNothingToHide() {
        PreparedAction first = commands.of(app1, "df -h", false);
        assertSame(first, commands.of(app1, "df -h", false));
        assertEquals("df -h", first.action().redactedText());
        assertEquals(1, commands.size());
    }

    @Test
    void keepsALinePerTargetAndPerKind() {
        PreparedAction exec = commands.of(app1, "cat notes.txt", false);
        PreparedAction shellLine = commands.of(app1, "cat notes.txt", true);
        PreparedAction onApp2 = commands.of(app2, "cat notes.txt", false);
        assertNotSame(exec, shellLine);
        assertNotSame(exec, onApp2);
        assertEquals("app1", exec.action().resource());
        assertEquals("app2", onApp2.action().resource());
        assertEquals(3, commands.size());
    }

    @Test
    void neverKeepsALineHoldingACredentialOrADetectedValue() {
        for (String line : new String[] {
                "curl -u admin:S3cretPw https://app1/health",
                "mysql --password=S3cretPw -e 'select 1'",
                "PGPASSWORD=S3cretPw psql -c 'select 1'",
                "echo 4111 1111 1111 1111"}) {
            PreparedAction first = commands.of(app1, line, false);
            PreparedAction second = commands.of(app1, line, false);
            assertNotSame(first, second, line);
            assertFalse(first.action().redactedText().contains("S3cretPw"), first.action().redactedText());
            assertFalse(first.action().redactedText().contains("4111 1111 1111 1111"), first.action().redactedText());
        }
        assertEquals(0, commands.size(), "no line with something hidden is kept");
    }

    @Test
    void neverKeepsAVeryLongLine() {
        String line = "echo " + "x".repeat(PreparedCommands.MAX_KEPT_LENGTH);
        assertNotSame(commands.of(app1, line, false), commands.of(app1, line, false));
        assertEquals(0, commands.size());
    }

    @Test
    void keepsAtMostItsCapacity() {
        for (int i = 0; i < PreparedCommands.CAPACITY * 2; i++) {
            commands.of(app1, "echo " + i, false);
            assertTrue(commands.size() <= PreparedCommands.CAPACITY, "size " + commands.size());
        }
        PreparedAction again = commands.of(app1, "df -h", false);
        assertSame(again, commands.of(app1, "df -h", false), "still keeps new lines once full");
    }
}

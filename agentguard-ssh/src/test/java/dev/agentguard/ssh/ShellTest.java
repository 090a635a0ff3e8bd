package dev.agentguard.ssh;

import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Outcome;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.junit.JournalAssert;
import dev.agentguard.junit.TempJournal;
import dev.agentguard.ssh.recording.Asciicast;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An interactive shell ({@code /bin/sh -i} behind the test server) where each line is checked
 * before it reaches the host, and input that could edit a line after the check is refused.
 */
class ShellTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempJournal
    Journal journal;
    @TempDir
    Path dir;

    private TestSshServer server;
    private GuardedSshClient client;

    @BeforeEach
    void start() throws Exception {
        server = new TestSshServer(dir.resolve("sftp"));
        client = SshFixture.client(SshFixture.target(server, dir).build(), TestPolicies.ops(), journal).build();
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        server.close();
    }

    /** Sends a line that prints {@code m<n>k} and waits for that output: the shell has run everything before it. */
    private static String sync(GuardedShell shell, int n) throws Exception {
        shell.sendLine("printf 'm%sk\\n' " + n);
        String out = shell.readUntil("m" + n + "k", WAIT);
        assertNotNull(out, "the shell answered");
        return out;
    }

    @Test
    void runsAllowedLinesWithMaskedOutputAndJournalsEach(JournalAssert audit) throws Exception {
        try (GuardedSshSession s = client.session("app1"); GuardedShell shell = s.shell()) {
            shell.sendLine("printf 'card %s\\n' '4111 1111 1111 1111'");
            String out = shell.readUntil("card 4111 11** **** 1111", WAIT);
            assertNotNull(out, "the masked output came");
            out += sync(shell, 1);
            assertFalse(out.contains("4111 1111 1111 1111"), "not even in the echo of the line: " + out);
        }
        audit.hasEventMatching(e -> e.phase(Phase.SYSTEM).channel(Channel.SSH).action(SshGate.SHELL_OPEN));
        audit.hasEventMatching(e -> e.phase(Phase.INTENT).decision(Decision.ALLOWED).rule("read-only-tools")
                .actionContaining("printf 'card %s"));
        audit.hasEventMatching(e -> e.phase(Phase.OUTCOME).actionContaining("printf 'card %s")
                .outcome(Outcome.SUCCESS).where("output bytes counted",
                        ev -> ev.count(GuardedShell.OUTPUT_BYTES).orElse(0L) > 0));
        audit.hasEventMatching(e -> e.phase(Phase.SYSTEM).action(SshGate.SHELL_CLOSE).count(GuardedShell.LINES, 2));
        audit.containsNoPan();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "echo a\u0015touch PWNED",          // ^U kill line, then a new line
            "echo a\u0017\u0017touch PWNED",     // ^W erase word
            "\u001b[200~touch PWNED\u001b[201~", // bracketed paste
            "touch PWN\tED",                     // tab completion
            "\u0016\rtouch PWNED",               // ^V then carriage return
            "echo a\rtouch PWNED",               // a second line inside the line
            "touch PWNED \\",                    // continued on the next line
            "cat > PWNED <<EOF",                 // here-document: the body would follow
            "echo 'open quote",
            "echo !!"})
    void refusesInputThatWouldBypassTheLineCheckAndSendsNothing(String line, JournalAssert audit) throws Exception {
        Path workdir = Path.of("").toAbsolutePath();
        try (GuardedSshSession s = client.session("app1"); GuardedShell shell = s.shell()) {
            sync(shell, 1);
            ShellInputRefusedException e = assertThrows(ShellInputRefusedException.class, () -> shell.sendLine(line));
            assertTrue(e.getMessage().startsWith("shell input refused: "), e.getMessage());
            assertFalse(e.getMessage().contains("PWNED"), "the message never quotes the line");
            String after = sync(shell, 2);
            assertFalse(after.contains("PWNED"), "nothing of the refused line reached the shell: " + after);
        }
        assertFalse(Files.exists(workdir.resolve("PWNED")));
        audit.hasExactly(1).eventsMatching(e -> e.phase(Phase.INTENT).decision(Decision.DENIED)
                .rule(SshGate.SHELL_INPUT_RULE).outcome(Outcome.FAILURE));
    }

    @Test
    void refusesALineThePolicyDenies(JournalAssert audit) throws Exception {
        try (GuardedSshSession s = client.session("app1"); GuardedShell shell = s.shell()) {
            sync(shell, 1);
            CommandDeniedException e = assertThrows(CommandDeniedException.class,
                    () -> shell.sendLine("cat /etc/shadow"));
            assertEquals("no-shadow", e.ruleId());
            String after = sync(shell, 2);
            assertFalse(after.contains("shadow"), after);
        }
        audit.hasEventMatching(e -> e.phase(Phase.INTENT).action("cat /etc/shadow").decision(Decision.DENIED)
                .rule("no-shadow"));
    }

    @Test
    void recordsTheShellWithTheLinesAsInput() throws Exception {
        GuardedSshSession s = client.session("app1");
        try (GuardedShell shell = s.shell()) {
            sync(shell, 7);
        } finally {
            s.close();
        }
        Path file = s.recording().file();
        Asciicast cast = Asciicast.read(file);
        assertTrue(cast.input().contains("printf 'm%sk\\n' 7\n"), cast.input());
        assertTrue(cast.output().contains("m7k"), cast.output());
    }
}

package dev.agentguard.ssh;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Outcome;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.policy.Policy;
import dev.agentguard.junit.JournalAssert;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Commands run with masked output, exit status, timeouts and outcome events; sessions run side by side. */
class ExecTest {

    private static final Policy ALLOW_ALL = SshFixture.policy("""
            policy: t
            version: 1
            default: allow
            rules: []
            masking:
              detectors: { pan: partial }
            """);

    @TempJournal
    Journal journal;
    @TempDir
    Path dir;

    private TestSshServer server;
    private GuardedSshClient client;

    @BeforeEach
    void start() throws Exception {
        server = new TestSshServer(dir.resolve("sftp"));
        client = SshFixture.client(SshFixture.target(server, dir).build(), ALLOW_ALL, journal)
                .commandTimeout(Duration.ofSeconds(30)).build();
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        server.close();
    }

    @Test
    void returnsOutputAndExitStatusAndJournalsIntentThenOutcome(JournalAssert audit) throws Exception {
        String sessionId;
        try (GuardedSshSession s = client.session("app1")) {
            sessionId = s.id();
            CommandResult df = s.exec("df -h");
            assertEquals(0, df.exitStatus());
            assertTrue(df.succeeded());
            assertTrue(df.stdout().startsWith("Filesystem      Size"), df.stdout());
            assertEquals("", df.stderr());
        }
        assertEquals(List.of("df -h"), server.ranCommands());
        audit.filteredOn(e -> e.session(sessionId)).eventsInOrder(
                e -> e.phase(Phase.SYSTEM).action(SshGate.SESSION_OPEN).outcome(Outcome.SUCCESS),
                e -> e.phase(Phase.INTENT).channel(Channel.SSH).resource("app1").agent(SshFixture.AGENT)
                        .decision(Decision.ALLOWED),
                e -> e.phase(Phase.OUTCOME).resource("app1").decision(Decision.ALLOWED).outcome(Outcome.SUCCESS)
                        .count(RunningCommand.EXIT_STATUS, 0).count(RunningCommand.STDERR_BYTES, 0),
                e -> e.phase(Phase.SYSTEM).action(SshGate.SESSION_CLOSE).outcome(Outcome.SUCCESS)
                        .count(GuardedSshSession.ACTIONS, 1).count(GuardedSshSession.REFUSED, 0));
        AuditEvent outcome = audit.filteredOn(e -> e.phase(Phase.OUTCOME)).events().get(0);
        assertTrue(outcome.count(RunningCommand.STDOUT_BYTES).orElseThrow() > 50);
        assertTrue(outcome.duration() != null);
    }

    @Test
    void masksCardNumbersInStdoutAndStderr(JournalAssert audit) throws Exception {
        try (GuardedSshSession s = client.session("app1")) {
            CommandResult out = s.exec("card-line");
            assertEquals("customer 42 paid with 4111 11** **** 1111 yesterday\n", out.stdout());
            assertEquals(1, out.maskedValues());
            CommandResult err = s.exec("stderr-pan");
            assertEquals(3, err.exitStatus());
            assertEquals("error: card 5555 55** **** 4444 declined\n", err.stderr());
        }
        audit.hasEventMatching(e -> e.phase(Phase.OUTCOME).decision(Decision.MASKED).count("masked.pan", 1)
                .outcome(Outcome.SUCCESS));
        audit.hasEventMatching(e -> e.phase(Phase.OUTCOME).decision(Decision.MASKED).count("masked.pan", 1)
                .outcome(Outcome.FAILURE).count(RunningCommand.EXIT_STATUS, 3));
        audit.containsNoPan();
    }

    @Test
    void masksACardNumberSplitAcrossPacketsAtEveryPosition(JournalAssert audit) throws Exception {
        CommandResult r = client.exec("app1", "split-pan");
        String[] lines = r.stdout().split("\n");
        assertEquals(TestSshServer.CARD_LINE.length() - 1, lines.length);
        for (String line : lines) {
            assertEquals("customer 42 paid with 4111 11** **** 1111 yesterday", line);
        }
        assertEquals(lines.length, r.maskedValues());
        audit.hasEventMatching(e -> e.phase(Phase.OUTCOME).count("masked.pan", lines.length));
    }

    @Test
    void reportsANonZeroExitAsAFailedOutcome(JournalAssert audit) throws Exception {
        CommandResult r = client.exec("app1", "exit 7");
        assertEquals(7, r.exitStatus());
        assertFalse(r.succeeded());
        audit.hasEventMatching(e -> e.phase(Phase.OUTCOME).outcome(Outcome.FAILURE).count(RunningCommand.EXIT_STATUS, 7)
                .where("error says the exit status", ev -> "exit status 7".equals(ev.error())));
    }

    @Test
    void closesACommandThatRunsPastItsTimeoutAndJournalsTheFailure(JournalAssert audit) throws Exception {
        try (GuardedSshSession s = client.session("app1")) {
            CommandTimeoutException e = assertThrows(CommandTimeoutException.class,
                    () -> s.exec("hang", Duration.ofMillis(300)));
            assertEquals(Duration.ofMillis(300), e.timeout());
            assertEquals("the command on SSH target \"app1\" did not end within PT0.3S; its channel was closed",
                    e.getMessage());
            assertEquals("ok\n", s.exec("echo ok").stdout(), "the session stays usable");
        }
        audit.hasEventMatching(e -> e.phase(Phase.OUTCOME).action("hang").outcome(Outcome.FAILURE)
                .where("error names the timeout", ev -> "timed out after PT0.3S".equals(ev.error())));
    }

    @Test
    void streamsOutputWhileTheCommandRuns() throws Exception {
        try (GuardedSshSession s = client.session("app1");
             RunningCommand running = s.start("card-line")) {
            String out;
            try (InputStream in = running.stdout()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertEquals("customer 42 paid with 4111 11** **** 1111 yesterday\n", out);
            CommandResult end = running.waitFor(Duration.ofSeconds(30));
            assertEquals(0, end.exitStatus());
            assertEquals("", end.stdout(), "what was streamed is not returned again");
            assertTrue(running.isDone());
        }
    }

    @Test
    void reportsAnUnknownCommandAsTheHostDoes() throws Exception {
        CommandResult r = client.exec("app1", "frobnicate");
        assertEquals(127, r.exitStatus());
        assertEquals("frobnicate: command not found\n", r.stderr());
    }

    @Test
    void runsSessionsOfSeveralThreadsSideBySide(JournalAssert audit) throws Exception {
        int threads = 6;
        int commands = 5;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<String>>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int id = t;
                results.add(pool.submit(() -> {
                    go.await();
                    List<String> out = new ArrayList<>();
                    try (GuardedSshSession s = client.session("app1")) {
                        for (int c = 0; c < commands; c++) {
                            out.add(s.exec("echo t" + id + "c" + c).stdout());
                        }
                        out.add(s.exec("card-line").stdout());
                    }
                    return out;
                }));
            }
            go.countDown();
            for (int t = 0; t < threads; t++) {
                List<String> out = results.get(t).get(60, TimeUnit.SECONDS);
                for (int c = 0; c < commands; c++) {
                    assertEquals("t" + t + "c" + c + "\n", out.get(c));
                }
                assertEquals("customer 42 paid with 4111 11** **** 1111 yesterday\n", out.get(commands));
            }
        } finally {
            pool.shutdownNow();
        }
        int perThread = commands + 1;
        audit.hasExactly(threads * perThread).eventsMatching(e -> e.phase(Phase.INTENT).channel(Channel.SSH));
        audit.hasExactly(threads * perThread).eventsMatching(e -> e.phase(Phase.OUTCOME).channel(Channel.SSH));
        audit.hasExactly(threads).eventsMatching(e -> e.action(SshGate.SESSION_CLOSE)
                .count(GuardedSshSession.ACTIONS, perThread));
        audit.isIntact();
    }

    @Test
    void refusesWorkOnAClosedSession() throws Exception {
        GuardedSshSession s = client.session("app1");
        s.close();
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> s.exec("echo late"));
        assertEquals("the SSH session " + s.id() + " to target \"app1\" is closed", e.getMessage());
        assertFalse(server.ranCommands().contains("echo late"));
    }

    @Test
    void refusesAnUnknownTargetByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> client.session("db1"));
        assertEquals("no SSH target named \"db1\"; the targets are [app1]", e.getMessage());
    }
}

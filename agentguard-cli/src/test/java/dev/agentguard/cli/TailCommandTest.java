package dev.agentguard.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.reader.EventFilter;
import dev.agentguard.audit.reader.JournalReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TailCommandTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    @Test
    void printsTheLastTenByDefaultNewestLast() throws Exception {
        Path journal = tmp.resolve("journal");
        TestJournals.writeEvents(journal, 12); // events 2..13, plus open (1) and close (14)

        List<String> lines = ToolRun.run("tail", journal.toString()).outLines();

        assertEquals(11, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("     SEQ  TIME (UTC)"), lines.get(0));
        assertTrue(lines.get(1).startsWith("       5  "), lines.get(1));
        assertTrue(lines.get(10).startsWith("      14  "), lines.get(10));
    }

    @Test
    void printsTheLastNMatchingEvents() throws Exception {
        Path journal = tmp.resolve("journal");
        TestJournals.writeSample(journal);

        assertEquals(List.of(4L, 6L), sequences(ToolRun.run("tail", journal.toString(), "-n", "2", "--decision",
                "denied", "--json")));
        assertEquals(List.of(6L, 7L), sequences(ToolRun.run("tail", journal.toString(), "-n", "2", "--json")));
        assertEquals(List.of(), sequences(ToolRun.run("tail", journal.toString(), "-n", "0", "--json")));
    }

    @Test
    void followPrintsNewEventsUntilInterrupted() throws Exception {
        Path journal = tmp.resolve("journal");
        try (Journal writer = Journal.builder(journal).open()) {
            writer.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("payments-agent").action("SELECT 1")
                    .decision(Decision.ALLOWED, "before-tail"));

            WatchedWriter out = new WatchedWriter();
            StringWriter err = new StringWriter();
            AtomicInteger exitCode = new AtomicInteger(-1);
            Thread tail = new Thread(() -> exitCode.set(AgentGuardCommand
                    .commandLine(new PrintWriter(out, true), new PrintWriter(err, true), Map.of())
                    .execute("tail", journal.toString(), "-f", "--agent", "payments-agent")), "tail-f");
            tail.start();
            try {
                out.awaitContaining("before-tail", WAIT);

                writer.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("someone-else").action("SELECT 2")
                        .decision(Decision.ALLOWED, "filtered-out"));
                writer.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("payments-agent").action("DELETE FROM cards")
                        .decision(Decision.DENIED, "after-tail"));
                out.awaitContaining("after-tail", WAIT);
            } finally {
                tail.interrupt();
                tail.join(WAIT.toMillis());
            }

            assertFalse(tail.isAlive(), "tail -f stops when interrupted");
            assertEquals(0, exitCode.get(), err.toString());
            assertEquals("", err.toString());
            List<String> lines = out.toString().lines().toList();
            assertEquals(3, lines.size(), out.toString());
            assertTrue(lines.get(1).startsWith("       2  ") && lines.get(1).contains("before-tail"), lines.get(1));
            assertTrue(lines.get(2).startsWith("       4  ") && lines.get(2).endsWith("DELETE FROM cards"), lines.get(2));
        }
    }

    @Test
    void followCarriesOnIntoTheNextCycleFile() throws Exception {
        Path journal = tmp.resolve("journal");
        TestJournals.SettableClock clock = new TestJournals.SettableClock(Instant.now());
        try (Journal writer = Journal.builder(journal).clock(clock).open()) {
            WatchedWriter out = new WatchedWriter();
            AtomicInteger exitCode = new AtomicInteger(-1);
            Thread tail = new Thread(() -> exitCode.set(AgentGuardCommand
                    .commandLine(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), Map.of())
                    .execute("tail", journal.toString(), "-f", "--phase", "intent")));
            tail.start();
            try {
                writer.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("a").action("SELECT 1")
                        .decision(Decision.ALLOWED, "today"));
                out.awaitContaining("today", WAIT);
                clock.set(clock.instant().plus(Duration.ofDays(1)));
                writer.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("a").action("SELECT 2")
                        .decision(Decision.ALLOWED, "tomorrow"));
                out.awaitContaining("tomorrow", WAIT);
            } finally {
                tail.interrupt();
                tail.join(WAIT.toMillis());
            }
            assertEquals(0, exitCode.get());
            assertEquals(2, TestJournals.cycleFiles(journal).size());
        }
    }

    @Test
    void followRecordsTheUseInTheAccessJournalAfterTheInterrupt() throws Exception {
        Path journal = tmp.resolve("journal");
        Path access = tmp.resolve("access");
        try (Journal writer = Journal.builder(journal).open()) {
            WatchedWriter out = new WatchedWriter();
            AtomicInteger exitCode = new AtomicInteger(-1);
            Thread tail = new Thread(() -> exitCode.set(AgentGuardCommand
                    .commandLine(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), Map.of())
                    .execute("--access-journal", access.toString(), "tail", journal.toString(), "-f", "--json")));
            tail.start();
            try {
                writer.append(EventDraft.of(Phase.INTENT, Channel.HTTP).agent("a").action("GET /")
                        .decision(Decision.ALLOWED, "followed"));
                out.awaitContaining("followed", WAIT);
            } finally {
                tail.interrupt();
                tail.join(WAIT.toMillis());
            }
            assertEquals(0, exitCode.get());
        }
        try (JournalReader reader = JournalReader.open(access)) {
            List<AuditEvent> uses = reader.events(EventFilter.all().channel(Channel.TOOL));
            assertEquals(1, uses.size());
            assertEquals("agentguard --access-journal " + access + " tail " + journal + " -f --json", uses.get(0).action());
            assertEquals(0L, uses.get(0).count(AccessJournal.EXIT_CODE_COUNT).orElseThrow());
        }
    }

    @Test
    void rejectsANegativeCount() throws Exception {
        Path journal = tmp.resolve("journal");
        TestJournals.writeEvents(journal, 1);

        ToolRun run = ToolRun.run("tail", journal.toString(), "-n", "-1");

        run.assertOneLineError(2);
        assertEquals("agentguard tail: -n must be 0 or more, got -1", run.errorLine());
    }

    private static List<Long> sequences(ToolRun run) {
        assertEquals(0, run.exitCode(), run.err());
        ObjectMapper json = new ObjectMapper();
        return run.outLines().stream().map(line -> {
            try {
                return json.readTree(line).get("sequence").asLong();
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + line, e);
            }
        }).toList();
    }
}

package dev.agentguard.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.json.EventJson;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code list} and {@code export} over several journals: one stream, in time order. */
class FleetViewTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;
    static Path payments;
    static Path ops;
    static List<AuditEvent> merged;

    @TempDir
    Path tmp;

    @BeforeAll
    static void writeJournals() throws Exception {
        payments = shared.resolve("payments");
        TestJournals.writeSample(payments);
        ops = shared.resolve("ops");
        writeOpsJournal(ops);
        List<AuditEvent> all = new ArrayList<>(TestJournals.read(payments));
        all.addAll(TestJournals.read(ops));
        all.sort(Comparator.comparing(AuditEvent::timestamp)); // stable: payments first on a tie
        merged = all;
    }

    /** A second agent's journal whose events fall between the sample's. */
    static void writeOpsJournal(Path dir) throws Exception {
        TestJournals.SettableClock clock = new TestJournals.SettableClock(Instant.parse("2026-11-25T00:00:00Z"));
        try (Journal journal = Journal.builder(dir).clock(clock).open()) {
            clock.set(Instant.parse("2026-11-25T10:00:00Z")); // the same instant as the sample's DELETE
            journal.append(EventDraft.of(Phase.INTENT, Channel.SSH).agent("backup-agent").resource("db-host-2")
                    .action("pg_dump orders").decision(Decision.ALLOWED, "backups"));
            clock.set(Instant.parse("2026-11-25T11:00:00Z"));
            journal.append(EventDraft.of(Phase.INTENT, Channel.SSH).agent("backup-agent").resource("db-host-2")
                    .action("rm -rf /var/backups").decision(Decision.DENIED, "no-deletes"));
            clock.set(Instant.parse("2026-11-27T09:00:00Z"));
        }
    }

    @Test
    void exportMergesSeveralJournalsInTimeOrder() {
        ToolRun run = ToolRun.run("export", payments.toString(), ops.toString());

        assertEquals(0, run.exitCode(), run.err());
        assertEquals(merged.stream().map(EventJson::toJson).toList(), run.outLines());
        assertEquals(11, run.outLines().size());
    }

    @Test
    void eventsAtTheSameInstantKeepTheOrderOfTheDirectoriesGiven() throws Exception {
        List<String> lines = ToolRun.run("export", ops.toString(), payments.toString(), "--from",
                "2026-11-25T10:00:00Z", "--until", "2026-11-25T10:00:01Z").outLines();
        assertEquals(List.of("pg_dump orders", "DELETE FROM cards"),
                lines.stream().map(l -> readAction(l)).toList());
    }

    @Test
    void listFiltersAndLimitsTheMergedStream() throws Exception {
        ToolRun run = ToolRun.run("list", payments.toString(), ops.toString(), "--decision", "denied", "--json");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(List.of("DELETE FROM cards", "rm -rf /var/backups", "cat /etc/shadow"),
                run.outLines().stream().map(FleetViewTest::readAction).toList());

        ToolRun last = ToolRun.run("list", payments.toString(), ops.toString(), "--limit", "2");
        assertEquals(0, last.exitCode(), last.err());
        List<String> rows = last.outLines();
        assertEquals(3, rows.size());
        assertTrue(rows.get(1).contains("journal.close") && rows.get(1).contains("2026-11-26T08:00:01.000Z"), rows.get(1));
        assertTrue(rows.get(2).contains("journal.close") && rows.get(2).contains("2026-11-27T09:00:00.000Z"), rows.get(2));
    }

    @Test
    void exportToAFileCountsTheEventsOfAllJournals() {
        Path out = tmp.resolve("fleet.jsonl");
        ToolRun run = ToolRun.run("export", payments.toString(), ops.toString(), "-o", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("Exported 11 events to " + out, run.out().strip());
    }

    @Test
    void aGapInOneJournalIsAnErrorNamingThatJournal() throws Exception {
        Path damaged = tmp.resolve("damaged");
        TestJournals.writeSample(damaged);
        Files.delete(TestJournals.cycleFiles(damaged).get(1)); // 2026-11-25: events 3 to 5

        ToolRun run = ToolRun.run("export", ops.toString(), damaged.toString()).assertOneLineError(2);

        assertEquals("agentguard export: " + damaged + "/20261126F.cq4 entry 0: events 3 to 5 are missing before "
                + "event 6 (a journal file is damaged or was removed; run 'agentguard verify')", run.errorLine());
    }

    @Test
    void refusesTheSameJournalTwice() {
        ToolRun run = ToolRun.run("list", payments.toString(), payments.resolve(".").toString()).assertOneLineError(2);
        assertEquals("agentguard list: " + payments + " is given twice; name each journal once", run.errorLine());
    }

    @Test
    void refusesTheAccessJournalAmongTheJournalsRead() throws Exception {
        Path access = tmp.resolve("access");
        ToolRun.runWith(Map.of(), "--access-journal", access.toString(), "list", payments.toString());
        ToolRun run = ToolRun.runWith(Map.of(), "--access-journal", access.toString(), "list", payments.toString(),
                access.toString()).assertOneLineError(2);
        assertEquals("agentguard list: the access journal " + access + " must not be a directory the command works on; "
                + "record access in a journal of its own", run.errorLine());
    }

    @Test
    void aMissingSecondDirectoryIsReportedAsSuch() {
        Path missing = tmp.resolve("nope");
        ToolRun run = ToolRun.run("list", payments.toString(), missing.toString()).assertOneLineError(2);
        assertEquals("agentguard list: " + missing + ": no such journal directory", run.errorLine());
    }

    private static String readAction(String line) {
        try {
            return JSON.readTree(line).get("action").asText();
        } catch (Exception e) {
            throw new AssertionError(line, e);
        }
    }
}

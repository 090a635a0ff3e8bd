package dev.agentguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ListCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path journal;
    static List<AuditEvent> events;

    @BeforeAll
    static void writeJournal() throws Exception {
        journal = tmp.resolve("journal");
        TestJournals.writeSample(journal);
        events = TestJournals.read(journal);
    }

    @Test
    void printsAnAlignedTableNewestLast() {
        ToolRun run = ToolRun.run("list", journal.toString());

        assertEquals(0, run.exitCode(), run.err());
        assertEquals("", run.err());
        assertEquals(List.of(
                "     SEQ  TIME (UTC)                PHASE     AGENT                 CHANNEL  DECISION           RULE                  ACTION",
                "       1  2026-11-24T23:59:00.000Z  SYSTEM    agentguard-journal    JOURNAL  -                  -                     journal.open",
                "       2  2026-11-24T23:59:30.000Z  INTENT    payments-agent        JDBC     ALLOWED            allow-orders          SELECT * FROM orders WHERE id = ?",
                "       3  2026-11-25T00:00:10.000Z  OUTCOME   payments-agent        JDBC     -                  -                     SELECT * FROM orders WHERE id = ?",
                "       4  2026-11-25T10:00:00.000Z  INTENT    payments-agent        JDBC     DENIED             no-delete-without...  DELETE FROM cards",
                "       5  2026-11-25T12:00:00.000Z  INTENT    support-agent         HTTP     APPROVAL_REQUIRED  needs-approval        GET https://api.example.com/customers/?",
                "       6  2026-11-26T08:00:00.000Z  INTENT    ops-agent             SSH      DENIED             no-secrets            cat /etc/shadow",
                "       7  2026-11-26T08:00:01.000Z  SYSTEM    agentguard-journal    JOURNAL  -                  -                     journal.close"),
                run.outLines());
    }

    @Test
    void filtersByAgent() {
        assertEquals(List.of(2L, 3L, 4L), sequences("--agent", "payments-agent"));
    }

    @Test
    void filtersByOnBehalfOf() {
        assertEquals(List.of(5L), sequences("--on-behalf-of", "bob"));
    }

    @Test
    void filtersBySession() {
        assertEquals(List.of(6L), sequences("--session", "s-3"));
    }

    @Test
    void filtersByChannelWrittenInAnyCase() {
        assertEquals(List.of(5L), sequences("--channel", "http"));
        assertEquals(List.of(1L, 7L), sequences("--channel", "JOURNAL"));
    }

    @Test
    void filtersByDecisionWithDashesOrUnderscores() {
        assertEquals(List.of(4L, 6L), sequences("--decision", "denied"));
        assertEquals(List.of(5L), sequences("--decision", "approval-required"));
        assertEquals(List.of(5L), sequences("--decision", "APPROVAL_REQUIRED"));
    }

    @Test
    void filtersByPhase() {
        assertEquals(List.of(3L), sequences("--phase", "outcome"));
    }

    @Test
    void combinesFilters() {
        assertEquals(List.of(4L), sequences("--agent", "payments-agent", "--decision", "denied", "--channel", "jdbc"));
    }

    @Test
    void fromIsInclusiveAndUntilIsExclusive() {
        assertEquals(List.of(4L, 5L, 6L, 7L), sequences("--from", "2026-11-25T10:00:00Z"));
        assertEquals(List.of(1L, 2L, 3L), sequences("--until", "2026-11-25T10:00:00Z"));
    }

    @Test
    void aDateAsFromStartsThatDayAndAsUntilIncludesTheWholeDay() {
        assertEquals(List.of(3L, 4L, 5L), sequences("--from", "2026-11-25", "--until", "2026-11-25"));
    }

    @Test
    void acceptsATimeWithAnOffset() {
        // 11:00 at +01:00 is 10:00 UTC, the time of event 4.
        assertEquals(List.of(4L, 5L, 6L, 7L), sequences("--from", "2026-11-25T11:00:00+01:00"));
    }

    @Test
    void limitKeepsTheNewestAndPrintsThemNewestLast() {
        assertEquals(List.of(6L, 7L), sequences("--limit", "2"));
        assertEquals(List.of(4L, 6L), sequences("--limit", "2", "--decision", "denied"));
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), sequences("--limit", "100"));
    }

    @Test
    void saysSoWhenNothingMatches() {
        ToolRun run = ToolRun.run("list", journal.toString(), "--agent", "nobody");

        assertEquals(0, run.exitCode());
        assertEquals(List.of("No matching events."), run.outLines());
    }

    @Test
    void jsonPrintsOneEventJsonObjectPerLine() throws Exception {
        ToolRun run = ToolRun.run("list", journal.toString(), "--json", "--decision", "denied");

        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.outLines();
        assertEquals(2, lines.size());
        JsonNode deleteIntent = JSON.readTree(lines.get(0));
        AuditEvent expected = events.get(3);
        assertEquals(2, deleteIntent.get("formatVersion").asInt());
        assertEquals(expected.eventId(), deleteIntent.get("eventId").asText());
        assertEquals(4, deleteIntent.get("sequence").asLong());
        assertEquals("2026-11-25T10:00:00Z", deleteIntent.get("timestamp").asText());
        assertEquals("INTENT", deleteIntent.get("phase").asText());
        assertEquals("payments-agent", deleteIntent.get("agentId").asText());
        assertEquals("alice", deleteIntent.get("onBehalfOf").asText());
        assertEquals("s-1", deleteIntent.get("sessionId").asText());
        assertEquals("JDBC", deleteIntent.get("channel").asText());
        assertEquals("ordersDb", deleteIntent.get("resource").asText());
        assertEquals("DELETE FROM cards", deleteIntent.get("action").asText());
        assertEquals("PUBLIC.CARDS", deleteIntent.get("objects").get(0).asText());
        assertEquals(1, deleteIntent.get("objects").size());
        assertEquals("DENIED", deleteIntent.get("decision").asText());
        assertEquals("no-delete-without-where", deleteIntent.get("ruleId").asText());
        assertEquals(expected.previousHash().toHex(), deleteIntent.get("previousHash").asText());
        assertEquals(expected.hash().toHex(), deleteIntent.get("hash").asText());
        assertFalse(deleteIntent.has("outcome"), "absent fields are left out");
        assertFalse(deleteIntent.has("traceId"), "absent fields are left out");

        JsonNode sshIntent = JSON.readTree(lines.get(1));
        assertEquals(6, sshIntent.get("sequence").asLong());
        assertEquals("written by a newer AgentGuard", sshIntent.get("extensions").get("x.future-field").asText());
    }

    @Test
    void jsonWithNoMatchPrintsNothing() {
        ToolRun run = ToolRun.run("--json", "list", journal.toString(), "--agent", "nobody");

        assertEquals(0, run.exitCode());
        assertEquals("", run.out());
    }

    @Test
    void escapesControlCharactersAndCutsLongActions(@TempDir Path dir) throws Exception {
        String longAction = "UPDATE orders SET status = ? WHERE id = ? AND customer = ? AND region = ? AND note = ?";
        try (Journal j = Journal.builder(dir).open()) {
            j.append(EventDraft.of(Phase.INTENT, Channel.SSH).agent("ops\u001b[31m-agent").action("echo hi\nrm -rf /")
                    .decision(Decision.DENIED, "no-rm"));
            j.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("a").action(longAction)
                    .decision(Decision.ALLOWED, "r"));
        }
        List<String> lines = ToolRun.run("list", dir.toString()).outLines();

        String sshRow = lines.get(2);
        assertTrue(sshRow.contains("ops\\u001b[31m-agent"), sshRow);
        assertTrue(sshRow.endsWith("echo hi\\nrm -rf /"), sshRow);
        assertFalse(sshRow.contains("\u001b"), sshRow);
        String jdbcRow = lines.get(3);
        assertTrue(jdbcRow.endsWith("  " + longAction.substring(0, EventOutput.Table.ACTION_WIDTH - 3) + "..."), jdbcRow);
    }

    @Test
    void rejectsAnEmptyTimeRange() {
        ToolRun run = ToolRun.run("list", journal.toString(), "--from", "2026-11-26", "--until", "2026-11-25");

        run.assertOneLineError(2);
        assertEquals("agentguard list: the time range is empty: --from is 2026-11-26T00:00:00Z and --until is "
                + "2026-11-26T00:00:00Z (a date given to --until includes that whole UTC day)", run.errorLine());
    }

    @Test
    void rejectsATimeWithoutZone() {
        ToolRun run = ToolRun.run("list", journal.toString(), "--from", "2026-11-25T10:00");

        run.assertOneLineError(2);
        assertEquals("agentguard list: Invalid value for option '--from': '2026-11-25T10:00' is not a time: use an "
                + "ISO-8601 instant (2026-11-25T22:14:03Z), a date-time with offset (2026-11-25T23:14:03+01:00) or a "
                + "UTC date (2026-11-25) (see 'agentguard list --help')", run.errorLine());
    }

    @Test
    void rejectsAnUnknownDecision() {
        ToolRun run = ToolRun.run("list", journal.toString(), "--decision", "maybe");

        run.assertOneLineError(2);
        assertEquals("agentguard list: Invalid value for option '--decision': 'maybe' is not a decision; use one of "
                + "allowed, denied, approval-required, approved, masked, unknown (see 'agentguard list --help')",
                run.errorLine());
    }

    @Test
    void rejectsALimitBelowOne() {
        ToolRun run = ToolRun.run("list", journal.toString(), "--limit", "0");

        run.assertOneLineError(2);
        assertEquals("agentguard list: --limit must be 1 or more, got 0", run.errorLine());
    }

    /** The sequence numbers {@code list --json} prints with {@code options}. */
    static List<Long> sequences(String... options) {
        List<String> args = new ArrayList<>(List.of("list", journal.toString(), "--json"));
        args.addAll(List.of(options));
        ToolRun run = ToolRun.run(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.err());
        List<Long> sequences = new ArrayList<>();
        for (String line : run.outLines()) {
            try {
                sequences.add(JSON.readTree(line).get("sequence").asLong());
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + line, e);
            }
        }
        return sequences;
    }
}

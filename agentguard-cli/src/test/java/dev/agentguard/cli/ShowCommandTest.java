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
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ShowCommandTest {
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
    void showsAnOutcomeWithTheFieldsItsIntentHoldsAndSaysWhereTheyAre() throws Exception {
        Path dir = tmp.resolve("outcome-journal");
        String outcomeId;
        try (Journal j = Journal.builder(dir).open()) {
            long intent = j.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("payments-agent").session("s-1")
                    .resource("ordersDb")
                    .action("SELECT * FROM orders WHERE id = ?").decision(Decision.ALLOWED, "allow-orders"));
            long outcome = j.append(EventDraft.of(Phase.OUTCOME, Channel.JDBC).agent("payments-agent").session("s-1")
                    .decision(Decision.ALLOWED, null).succeeded().count("rows", 1)
                    .extension(AuditEvent.INTENT_SEQUENCE, intent));
            outcomeId = j.journalId() + "-" + outcome;
        }
        ToolRun run = ToolRun.run("show", outcomeId, dir.toString());

        assertEquals(0, run.exitCode(), run.err());
        List<String> fields = run.outLines().stream().map(l -> l.replaceFirst(" {2,}", "=")).toList();
        assertEquals(List.of("resource=ordersDb", "action=SELECT * FROM orders WHERE id = ?", "ruleId=allow-orders",
                        "intentEvent=#2 (onBehalfOf, traceId, resource, action, objects, ruleId and approvalRef are "
                                + "journaled there)"),
                fields.stream().filter(f -> f.startsWith("resource=") || f.startsWith("action=")
                        || f.startsWith("ruleId=") || f.startsWith("intentEvent=")).toList());
    }

    @Test
    void printsEveryFieldIncludingExtensionsAndHashes() {
        AuditEvent ssh = events.get(5);
        ToolRun run = ToolRun.run("show", ssh.eventId(), journal.toString());

        assertEquals(0, run.exitCode(), run.err());
        assertEquals(List.of(
                "eventId                    " + ssh.eventId(),
                "sequence                   6",
                "timestamp                  2026-11-26T08:00:00Z",
                "formatVersion              2",
                "phase                      INTENT",
                "agentId                    ops-agent",
                "onBehalfOf                 -",
                "sessionId                  s-3",
                "traceId                    -",
                "intent                     -",
                "channel                    SSH",
                "resource                   db-host-1",
                "action                     cat /etc/shadow",
                "objects                    -",
                "decision                   DENIED",
                "ruleId                     no-secrets",
                "approvalRef                approval-ref-7",
                "outcome                    -",
                "error                      -",
                "counts                     -",
                "durationNanos              -",
                "extensions.x.future-field  written by a newer AgentGuard",
                "previousHash               " + ssh.previousHash().toHex(),
                "hash                       " + ssh.hash().toHex()), run.outLines());
    }

    @Test
    void printsCountsDurationAndTrace() {
        AuditEvent outcome = events.get(2);
        List<String> lines = ToolRun.run("show", outcome.eventId(), journal.toString()).outLines();

        assertEquals("traceId        trace-1", lines.get(8));
        assertEquals("outcome        SUCCESS", lines.get(17));
        assertEquals("counts.rows    3", lines.get(19));
        assertEquals("durationNanos  1234567 (1.234567 ms)", lines.get(20));
    }

    @Test
    void jsonPrintsTheEventAsEventJson() throws Exception {
        AuditEvent intent = events.get(1);
        ToolRun run = ToolRun.run("show", intent.eventId(), journal.toString(), "--json");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals(1, run.outLines().size());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals(intent.eventId(), json.get("eventId").asText());
        assertEquals(2, json.get("sequence").asLong());
        assertEquals("2026-11-24T23:59:30Z", json.get("timestamp").asText());
        assertEquals("INTENT", json.get("phase").asText());
        assertEquals("payments-agent", json.get("agentId").asText());
        assertEquals("alice", json.get("onBehalfOf").asText());
        assertEquals("s-1", json.get("sessionId").asText());
        assertEquals("trace-1", json.get("traceId").asText());
        assertEquals("look up an order", json.get("intent").asText());
        assertEquals("JDBC", json.get("channel").asText());
        assertEquals("ordersDb", json.get("resource").asText());
        assertEquals(TestJournals.SELECT, json.get("action").asText());
        assertEquals("PUBLIC.ORDERS", json.get("objects").get(0).asText());
        assertEquals("ALLOWED", json.get("decision").asText());
        assertEquals("allow-orders", json.get("ruleId").asText());
        assertEquals(intent.previousHash().toHex(), json.get("previousHash").asText());
        assertEquals(intent.hash().toHex(), json.get("hash").asText());
    }

    @Test
    void anUnknownEventIdIsExitCode2WithOneLine() {
        ToolRun run = ToolRun.run("show", "000000000000-99", journal.toString());

        run.assertOneLineError(2);
        assertEquals("agentguard show: no event 000000000000-99 in journal " + journal.toAbsolutePath(), run.errorLine());
        assertEquals("", run.out());
    }

    @Test
    void anUnknownEventIdWithJsonAlsoPrintsAJsonError() throws Exception {
        ToolRun run = ToolRun.run("show", "000000000000-99", journal.toString(), "--json");

        run.assertOneLineError(2);
        JsonNode error = new ObjectMapper().readTree(run.out());
        assertEquals("error", error.get("status").asText());
        assertEquals(2, error.get("exitCode").asInt());
        assertEquals("no event 000000000000-99 in journal " + journal.toAbsolutePath(), error.get("message").asText());
    }
}

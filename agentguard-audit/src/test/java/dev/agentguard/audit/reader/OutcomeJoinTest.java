package dev.agentguard.audit.reader;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Outcome;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * An OUTCOME event is journaled without what it shares with its INTENT event and names it by
 * {@code intent-seq}; readers hand it out whole, and only from the intent it really belongs to.
 */
class OutcomeJoinTest {

    private static final String SQL = "SELECT pan FROM cards WHERE id = ?";

    @Test
    void handsOutAnOutcomeWithTheFieldsItSharesWithItsIntent(@TempDir Path dir) throws Exception {
        long intent;
        try (Journal j = Journal.builder(dir).open()) {
            intent = j.append(intent("agent-1", "s-1", Decision.APPROVED));
            j.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("other").session("s-2").action("SELECT 1")
                    .decision(Decision.ALLOWED, "read"));
            j.append(slimOutcome("agent-1", "s-1", intent));
        }
        try (JournalReader r = JournalReader.open(dir)) {
            AuditEvent stored = r.events(EventFilter.all().phase(Phase.OUTCOME)).get(0);
            assertEquals("alice", stored.onBehalfOf());
            assertEquals("trace-1", stored.traceId());
            assertEquals("payments-db", stored.resource());
            assertEquals(SQL, stored.action());
            assertEquals(List.of("public.cards"), stored.objects());
            assertEquals("read-cards", stored.ruleId());
            assertEquals("apr-7", stored.approvalRef());
            assertNull(stored.intent(), "the stated purpose stays with the intent, as it always did");
            assertEquals(Decision.MASKED, stored.decision(), "the outcome's own fields stay its own");
            assertEquals(Outcome.SUCCESS, stored.outcome());
            assertEquals(Map.of("rows", 1L, "masked.pan", 1L), stored.counts());
            assertEquals(OptionalLong.of(intent), stored.intentSequence());
            assertEquals(1, r.events(EventFilter.all().phase(Phase.OUTCOME).onBehalfOf("alice")).size(),
                    "filters see the whole outcome");
        }
    }

    @Test
    void leavesAnOutcomeWrittenWholeAsItWasWritten(@TempDir Path dir) throws Exception {
        try (Journal j = Journal.builder(dir).open()) {
            long intent = j.append(intent("agent-1", "s-1", Decision.ALLOWED));
            j.append(EventDraft.of(Phase.OUTCOME, Channel.JDBC).agent("agent-1").session("s-1").resource("other-db")
                    .action("SELECT 2").decision(Decision.ALLOWED, "rule-x").succeeded()
                    .extension(AuditEvent.INTENT_SEQUENCE, intent));
        }
        try (JournalReader r = JournalReader.open(dir)) {
            AuditEvent outcome = r.events(EventFilter.all().phase(Phase.OUTCOME)).get(0);
            assertEquals("other-db", outcome.resource());
            assertEquals("SELECT 2", outcome.action());
            assertEquals("rule-x", outcome.ruleId());
            assertNull(outcome.onBehalfOf());
        }
    }

    @Test
    void joinsNoOutcomeToAnIntentOfAnotherAgentSessionOrChannelOrToARefusedOne(@TempDir Path dir) throws Exception {
        try (Journal j = Journal.builder(dir).open()) {
            long a = j.append(intent("agent-1", "s-1", Decision.ALLOWED));
            long b = j.append(intent("agent-1", "s-1", Decision.ALLOWED));
            long c = j.append(intent("agent-1", "s-1", Decision.DENIED));
            j.append(slimOutcome("agent-2", "s-1", a));
            j.append(slimOutcome("agent-1", "s-9", b));
            j.append(slimOutcome("agent-1", "s-1", c));
            j.append(slimOutcome("agent-1", "s-1", 999));
            j.append(EventDraft.of(Phase.OUTCOME, Channel.HTTP).agent("agent-1").session("s-1").succeeded()
                    .extension(AuditEvent.INTENT_SEQUENCE, a));
        }
        try (JournalReader r = JournalReader.open(dir)) {
            for (AuditEvent outcome : r.events(EventFilter.all().phase(Phase.OUTCOME))) {
                assertNull(outcome.action(), "outcome " + outcome.sequence());
                assertNull(outcome.resource(), "outcome " + outcome.sequence());
            }
        }
    }

    @Test
    void joinsAnOutcomeToItsIntentOnlyOnce(@TempDir Path dir) throws Exception {
        try (Journal j = Journal.builder(dir).open()) {
            long intent = j.append(intent("agent-1", "s-1", Decision.ALLOWED));
            j.append(slimOutcome("agent-1", "s-1", intent));
            j.append(slimOutcome("agent-1", "s-1", intent)); // a forged second outcome borrows nothing
        }
        try (JournalReader r = JournalReader.open(dir)) {
            List<AuditEvent> outcomes = r.events(EventFilter.all().phase(Phase.OUTCOME));
            assertEquals(SQL, outcomes.get(0).action());
            assertNull(outcomes.get(1).action());
        }
    }

    @Test
    void joinsAnOutcomeAfterASkipToAnIntentJustBeforeIt(@TempDir Path dir) throws Exception {
        long intent;
        try (Journal j = Journal.builder(dir).open()) {
            intent = j.append(intent("agent-1", "s-1", Decision.ALLOWED));
            j.append(slimOutcome("agent-1", "s-1", intent));
        }
        try (JournalReader r = JournalReader.open(dir);
             JournalReader.JournalCursor c = r.cursor(EventFilter.all().phase(Phase.OUTCOME))) {
            c.skipThrough(intent);
            assertEquals(SQL, c.next().action());
        }
    }

    private static EventDraft intent(String agent, String session, Decision decision) {
        return EventDraft.of(Phase.INTENT, Channel.JDBC).agent(agent).onBehalfOf("alice").session(session)
                .trace("trace-1").intent("look up a card").resource("payments-db").action(SQL)
                .objects(List.of("public.cards")).decision(decision, "read-cards").approval("apr-7");
    }

    private static EventDraft slimOutcome(String agent, String session, long intent) {
        return EventDraft.of(Phase.OUTCOME, Channel.JDBC).agent(agent).session(session)
                .decision(Decision.MASKED, null).succeeded().count("rows", 1).count("masked.pan", 1)
                .durationNanos(1_000).extension(AuditEvent.INTENT_SEQUENCE, intent);
    }
}

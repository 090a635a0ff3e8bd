package dev.agentguard.junit;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Outcome;
import dev.agentguard.audit.Phase;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.agentguard.junit.Events.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventMatcherTest {
    private static final AuditEvent DENIED_DELETE = event(2).agent("payments-agent").onBehalfOf("alice")
            .session("s-1").intent("clean up test cards").resource("payments-db")
            .action("DELETE FROM cards WHERE id = ?").objects("PUBLIC.CARDS", "PUBLIC.AUDIT")
            .decision(Decision.DENIED, "no-delete").count("rows", 0).extension("ticket", "OPS-42").build();

    @Test
    void matchesWhenEveryCriterionHolds() {
        EventMatcher m = EventMatcher.anyEvent().phase(Phase.INTENT).agent("payments-agent").onBehalfOf("alice")
                .session("s-1").intent("clean up test cards").channel(Channel.JDBC).resource("payments-db")
                .action("DELETE FROM cards WHERE id = ?").actionContaining("DELETE").object("PUBLIC.AUDIT")
                .decision(Decision.DENIED).rule("no-delete").count("rows", 0).extension("ticket", "OPS-42")
                .where("no outcome yet", e -> e.outcome() == null);
        assertTrue(m.test(DENIED_DELETE));
        assertEquals(List.of(), m.unmet(DENIED_DELETE));
    }

    @Test
    void failsWhenAnyCriterionDoesNotHoldAndNamesIt() {
        EventMatcher m = EventMatcher.anyEvent().agent("payments-agent").decision(Decision.ALLOWED)
                .outcome(Outcome.SUCCESS).count("rows", 1);
        assertFalse(m.test(DENIED_DELETE));
        assertEquals(List.of("decision=ALLOWED", "outcome=SUCCESS", "counts[\"rows\"]=1"), m.unmet(DENIED_DELETE));
    }

    @Test
    void describesItselfAsFailureMessagesShowIt() {
        assertEquals("any event", EventMatcher.anyEvent().toString());
        assertEquals("phase=INTENT, agent=\"payments-agent\", channel=JDBC, action contains \"DELETE\", "
                        + "objects contain \"PUBLIC.CARDS\", decision=DENIED, rule=\"no-delete\", "
                        + "extensions[\"ticket\"]=\"OPS-42\", duration under 1 s",
                EventMatcher.anyEvent().phase(Phase.INTENT).agent("payments-agent").channel(Channel.JDBC)
                        .actionContaining("DELETE").object("PUBLIC.CARDS").decision(Decision.DENIED).rule("no-delete")
                        .extension("ticket", "OPS-42").where("duration under 1 s", e -> true).toString());
    }

    @Test
    void isImmutableSoAMatcherCanBeRefinedTwice() {
        EventMatcher payments = EventMatcher.anyEvent().agent("payments-agent");
        EventMatcher denied = payments.decision(Decision.DENIED);
        EventMatcher allowed = payments.decision(Decision.ALLOWED);
        assertEquals("agent=\"payments-agent\"", payments.toString());
        assertTrue(denied.test(DENIED_DELETE));
        assertFalse(allowed.test(DENIED_DELETE));
    }

    @Test
    void neverPrintsACardNumberItIsGiven() {
        assertEquals("action contains \"411111******1111\"",
                EventMatcher.anyEvent().actionContaining("4111111111111111").toString());
    }

    @Test
    void rejectsNullWithAHint() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> EventMatcher.anyEvent().rule(null));
        assertEquals("rule must not be null; to match events without a rule, use where(\"no rule\", e -> …)", e.getMessage());
    }
}

package dev.agentguard.core.guard;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Outcome;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.policy.Effect;
import dev.agentguard.junit.JournalAssert;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.agentguard.core.guard.GuardTest.AGENT;
import static dev.agentguard.core.guard.GuardTest.CONTEXT;
import static dev.agentguard.core.guard.GuardTest.DELETE_ALL;
import static dev.agentguard.core.guard.GuardTest.POLICY;
import static dev.agentguard.core.guard.GuardTest.READ;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A prepared action keeps what the guard works out once; every run must journal exactly what an unprepared check does. */
class PreparedActionTest {

    @TempJournal
    Journal journal;

    private final GuardTest.TestClock clock = new GuardTest.TestClock();

    private Guard guard() {
        return Guard.builder().policy(POLICY).journal(journal).clock(clock).build();
    }

    /** The action events (not the journal's own). */
    private static List<AuditEvent> actionEvents(JournalAssert audit) {
        return audit.events().stream().filter(e -> e.channel() != Channel.JOURNAL).toList();
    }

    @Test
    void keepsTheVerdictForTheIdentityItWasDecidedForOnly() {
        PreparedAction refund = guard().prepare(GuardTest.REFUND);
        assertEquals(Effect.REQUIRE_APPROVAL, refund.verdictFor(AGENT).effect());
        // The same agent id, renewed without the role the rule selects: decided again, not taken from the last verdict.
        AgentIdentity withoutRole = new AgentIdentity(AGENT.agentId(), AGENT.onBehalfOf(), java.util.Set.of(),
                AGENT.scopes(), null);
        assertEquals(Effect.DENY, refund.verdictFor(withoutRole).effect());
        assertEquals(Effect.REQUIRE_APPROVAL, refund.verdictFor(AGENT).effect());
        assertSame(refund.verdictFor(AGENT), refund.verdictFor(AGENT));
        assertEquals(List.of("public.cards", "public.orders"), guard().prepare(READ).objects());
    }

    @Test
    void journalsEveryRunLikeAnUnpreparedCheck(JournalAssert audit) throws Exception {
        Guard guard = guard();
        Permit plain = guard.check(CONTEXT, READ);
        clock.advance(Duration.ofMillis(3));
        plain.succeeded(Map.of("rows", 2L));
        PreparedAction read = guard.prepare(READ);
        for (int i = 0; i < 2; i++) {
            Permit permit = guard.check(CONTEXT, read);
            clock.advance(Duration.ofMillis(3));
            permit.succeeded(sink -> sink.add("rows", 2));
        }
        List<AuditEvent> events = actionEvents(audit);
        assertEquals(6, events.size());
        for (int run = 1; run < 3; run++) {
            assertSameExceptJournalFields(events.get(0), events.get(2 * run));
            assertSameExceptJournalFields(events.get(1), events.get(2 * run + 1));
            assertEquals(Map.of("intent-seq", Long.toString(events.get(2 * run).sequence())),
                    events.get(2 * run + 1).extensions(), "each outcome names its own intent");
        }
        assertEquals(Duration.ofMillis(3), events.get(5).duration());
        audit.isIntact();
    }

    @Test
    void treatsASessionsTraceOnEveryRunAsAnUnpreparedCheckDoes(JournalAssert audit) throws Exception {
        Guard guard = guard();
        PreparedAction read = guard.prepare(READ);
        String valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        for (String trace : new String[] {"order-42", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", valid}) {
            CallContext context = new CallContext(AGENT, "session-7", trace, null);
            guard.check(context, READ).succeeded(Map.of());
            guard.check(context, read).succeeded(Map.of());
            guard.check(context, read).succeeded(Map.of());
        }
        List<AuditEvent> intents = actionEvents(audit).stream().filter(e -> e.phase() == Phase.INTENT).toList();
        assertEquals(9, intents.size());
        for (int i = 0; i < 9; i += 3) {
            assertSameExceptJournalFields(intents.get(i), intents.get(i + 1));
            assertSameExceptJournalFields(intents.get(i), intents.get(i + 2));
        }
        assertEquals("order-42", intents.get(0).traceId(), "a plain correlation id is journaled as given");
        assertNull(intents.get(3).traceId(), "an invalid traceparent is dropped");
        assertEquals(java.util.Set.of("trace.ignored"), intents.get(4).extensions().keySet(), "and noted, every run");
        assertEquals(valid, intents.get(8).traceId());
    }

    @Test
    void aScopeStillOverridesTheSessionsIntentAndLeavesNothingBehind(JournalAssert audit) throws Exception {
        Guard guard = guard();
        PreparedAction read = guard.prepare(READ);
        guard.check(CONTEXT, read).succeeded(Map.of());
        try (CallScope scope = CallScope.builder().intent("refund order 7").open()) {
            guard.check(CONTEXT, read).succeeded(Map.of());
        }
        guard.check(CONTEXT, read).succeeded(Map.of());
        List<String> intents = actionEvents(audit).stream().filter(e -> e.phase() == Phase.INTENT)
                .map(AuditEvent::intent).toList();
        assertEquals(List.of("look up order 42", "refund order 7", "look up order 42"), intents);
    }

    @Test
    void aScopeOpenOnAnotherThreadDoesNotApplyHere(JournalAssert audit) throws Exception {
        Guard guard = guard();
        PreparedAction read = guard.prepare(READ);
        CountDownLatch opened = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Future<?> f = other.submit(() -> {
                try (CallScope scope = CallScope.builder().intent("someone else's purpose").open()) {
                    opened.countDown();
                    done.await(30, TimeUnit.SECONDS);
                }
                return null;
            });
            opened.await(30, TimeUnit.SECONDS);
            guard.check(CONTEXT, read).succeeded(Map.of());
            done.countDown();
            f.get(30, TimeUnit.SECONDS);
        } finally {
            other.shutdownNow();
        }
        assertEquals("look up order 42", actionEvents(audit).get(0).intent());
    }

    @Test
    void refusesADeniedPreparedActionOnEveryRun(JournalAssert audit) {
        Guard guard = guard();
        PreparedAction delete = guard.prepare(DELETE_ALL);
        for (int i = 0; i < 2; i++) {
            ActionRefusedException e = assertThrows(ActionRefusedException.class, () -> guard.check(CONTEXT, delete));
            assertEquals(Refusal.DENIED_BY_POLICY, e.refusal());
        }
        assertEquals(List.of(Decision.DENIED, Decision.DENIED),
                actionEvents(audit).stream().map(AuditEvent::decision).toList());
    }

    @Test
    void refusesAnActionPreparedByAnotherGuard() {
        PreparedAction foreign = guard().prepare(READ);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> guard().check(CONTEXT, foreign));
        assertEquals("the action was prepared by another guard; prepare it with this one", e.getMessage());
    }

    @Test
    void addsUpCountsGivenMoreThanOnceAndMarksAMaskedOutcome(JournalAssert audit) throws Exception {
        Guard guard = guard();
        Permit permit = guard.check(CONTEXT, guard.prepare(READ));
        permit.succeeded(sink -> {
            sink.add("masked.pan", 1);
            sink.add("rows", 2);
            sink.add("masked.pan", 2);
        });
        AuditEvent outcome = actionEvents(audit).get(1);
        assertEquals(Map.of("masked.pan", 3L, "rows", 2L), outcome.counts());
        assertEquals(Decision.MASKED, outcome.decision());
        assertThrows(IllegalStateException.class, () -> permit.failed("again", OutcomeCounts.NONE));
    }

    @Test
    void aFailedOutcomeIsMaskedAndTheNextOutcomeStartsClean(JournalAssert audit) throws Exception {
        Guard guard = guard();
        PreparedAction read = guard.prepare(READ);
        guard.check(CONTEXT, read).failed("the driver said " + GuardTest.PAN, sink -> sink.add("rows", 1));
        guard.check(CONTEXT, read).succeeded(OutcomeCounts.NONE);
        List<AuditEvent> outcomes = actionEvents(audit).stream().filter(e -> e.phase() == Phase.OUTCOME).toList();
        assertEquals(Outcome.FAILURE, outcomes.get(0).outcome());
        assertEquals(-1, outcomes.get(0).error().indexOf(GuardTest.PAN));
        assertEquals(Outcome.SUCCESS, outcomes.get(1).outcome());
        assertNull(outcomes.get(1).error());
        assertEquals(Map.of(), outcomes.get(1).counts());
    }

    @Test
    void runsOfOnePreparedActionFromManySessionsAndThreadsEachJournalTheirOwnSession(JournalAssert audit)
            throws Exception {
        Guard guard = Guard.builder().policy(POLICY).journal(journal).build();
        PreparedAction read = guard.prepare(READ);
        int threads = 4;
        int runs = 300;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < runs; i++) {
                        // Two sessions per thread, taking turns: the outcome draft changes hands and contexts.
                        CallContext context = new CallContext(AGENT, "session-" + thread + "-" + (i % 2), null, null);
                        Permit permit = guard.check(context, read);
                        permit.succeeded(sink -> sink.add("rows", thread));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Map<Long, AuditEvent> intents = new HashMap<>();
        int outcomes = 0;
        for (AuditEvent e : actionEvents(audit)) {
            if (e.phase() == Phase.INTENT) {
                intents.put(e.sequence(), e);
            } else {
                AuditEvent intent = intents.get(Long.parseLong(e.extensions().get("intent-seq")));
                assertEquals(intent.sessionId(), e.sessionId(), "outcome " + e.sequence());
                String thread = intent.sessionId().substring("session-".length(), "session-".length() + 1);
                assertEquals(Map.of("rows", Long.parseLong(thread)), e.counts(), "outcome " + e.sequence());
                outcomes++;
            }
        }
        assertEquals(threads * runs, outcomes);
        audit.isIntact();
    }

    private static void assertSameExceptJournalFields(AuditEvent expected, AuditEvent actual) {
        assertEquals(expected.phase(), actual.phase());
        assertEquals(expected.agentId(), actual.agentId());
        assertEquals(expected.onBehalfOf(), actual.onBehalfOf());
        assertEquals(expected.sessionId(), actual.sessionId());
        assertEquals(expected.traceId(), actual.traceId());
        assertEquals(expected.intent(), actual.intent());
        assertEquals(expected.channel(), actual.channel());
        assertEquals(expected.resource(), actual.resource());
        assertEquals(expected.action(), actual.action());
        assertEquals(expected.objects(), actual.objects());
        assertEquals(expected.decision(), actual.decision());
        assertEquals(expected.ruleId(), actual.ruleId());
        assertEquals(expected.approvalRef(), actual.approvalRef());
        assertEquals(expected.outcome(), actual.outcome());
        assertEquals(expected.error(), actual.error());
        assertEquals(expected.counts(), actual.counts());
        assertEquals(expected.duration(), actual.duration());
        if (expected.phase() == Phase.INTENT) {
            assertEquals(expected.extensions(), actual.extensions());
        }
    }
}

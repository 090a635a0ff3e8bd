package dev.agentguard.core.guard;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.action.Action;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.policy.Effect;
import dev.agentguard.core.policy.Policy;
import dev.agentguard.core.policy.Sql;
import dev.agentguard.junit.JournalAssert;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The intent and W3C traceparent an agent attaches per session and per call, and what the journal shows of them. */
class TraceAndIntentTest {

    static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    static final String OTHER_TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00";
    static final AgentIdentity AGENT = AgentIdentity.of("payments-bot", "payments");
    static final Policy OPEN = Policy.builder().name("open").defaultEffect(Effect.ALLOW).build();
    static final Action READ = Sql.select("orders").action("SELECT * FROM orders WHERE id = ?");

    @TempJournal
    Journal journal;

    private Guard guard() {
        return Guard.builder().policy(OPEN).journal(journal).build();
    }

    private static AuditEvent intent(JournalAssert audit, int index) {
        return audit.filteredOn(m -> m.phase(Phase.INTENT)).events().get(index);
    }

    @Test
    void aCallScopeOverridesTheSessionsIntentAndTraceForItsCallsOnly(JournalAssert audit) throws Exception {
        Guard guard = guard();
        CallContext session = new CallContext(AGENT, "s-1", OTHER_TRACEPARENT, "nightly reconciliation");

        try (CallScope call = CallScope.builder().intent("look up order 42 for ticket T-9").traceparent(TRACEPARENT)
                .open()) {
            guard.check(session, READ).succeeded(Map.of());
        }
        guard.check(session, READ).succeeded(Map.of());

        assertEquals("look up order 42 for ticket T-9", intent(audit, 0).intent());
        assertEquals(TRACEPARENT, intent(audit, 0).traceId());
        audit.hasEventMatching(m -> m.phase(Phase.OUTCOME).trace(TRACEPARENT));
        assertEquals("nightly reconciliation", intent(audit, 1).intent());
        assertEquals(OTHER_TRACEPARENT, intent(audit, 1).traceId());
    }

    @Test
    void anInvalidTraceparentIsIgnoredWithAJournaledNoteAndTheCallRuns(JournalAssert audit) throws Exception {
        Guard guard = guard();

        try (CallScope call = CallScope.builder().traceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01")
                .open()) {
            guard.check(new CallContext(AGENT, "s-1", "batch-42", null), READ).succeeded(Map.of());
        }

        AuditEvent e = intent(audit, 0);
        assertEquals("batch-42", e.traceId(), "the session's trace id stays");
        assertEquals(Map.of("trace.ignored", "the call's invalid traceparent: trace-id is all zeros; it was ignored and "
                + "the session's trace id kept"), e.extensions());
    }

    @Test
    void aSessionTraceThatLooksLikeATraceparentMustBeOne(JournalAssert audit) throws Exception {
        guard().check(new CallContext(AGENT, "s-1", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", null),
                READ).succeeded(Map.of());

        AuditEvent e = intent(audit, 0);
        assertNull(e.traceId());
        assertEquals(Map.of("trace.ignored", "the session's invalid traceparent: trace-id is not 32 lower-case hex "
                + "digits; it was ignored"), e.extensions());
    }

    @Test
    void anOpaqueSessionTraceIdIsJournaledAsGiven(JournalAssert audit) throws Exception {
        Guard guard = guard();
        for (String id : List.of("trace-42", "123e4567-e89b-12d3-a456-426614174000", TRACEPARENT)) {
            guard.check(new CallContext(AGENT, "s-1", id, null), READ).succeeded(Map.of());
        }

        assertEquals(List.of("trace-42", "123e4567-e89b-12d3-a456-426614174000", TRACEPARENT),
                audit.filteredOn(m -> m.phase(Phase.INTENT)).events().stream().map(AuditEvent::traceId).toList());
        audit.hasNoEventMatching(m -> m.where("has a trace note", ev -> ev.extensions().containsKey("trace.ignored")));
    }

    @Test
    void aTraceparentPassesTheDetectorsUnchangedAsAJdbcSessionMasksItBeforeTheGuardSeesIt() {
        // agentguard.trace client info is masked with the policy's detectors, then validated here.
        assertEquals(TRACEPARENT, guard().masker().maskText(TRACEPARENT, null));
        assertEquals(OTHER_TRACEPARENT, guard().masker().maskText(OTHER_TRACEPARENT, null));
    }

    @Test
    void scopesNestAndKeepWhatTheInnerOneDoesNotSet(JournalAssert audit) throws Exception {
        Guard guard = guard();
        CallContext session = CallContext.of(AGENT, "s-1");

        try (CallScope outer = CallScope.builder().intent("monthly close").traceparent(TRACEPARENT).open()) {
            try (CallScope inner = CallScope.builder().intent("check order 42").open()) {
                guard.check(session, READ).succeeded(Map.of());
                assertEquals("check order 42", inner.intent());
            }
            guard.check(session, READ).succeeded(Map.of());
        }

        assertEquals("check order 42", intent(audit, 0).intent());
        assertEquals(TRACEPARENT, intent(audit, 0).traceId());
        assertEquals("monthly close", intent(audit, 1).intent());
        assertNull(CallScope.current());
    }

    @Test
    void aCapturedScopeIsReopenedOnAnotherThreadAfterTheAgentClosedIt(JournalAssert audit) throws Exception {
        Guard guard = guard();
        CallContext session = new CallContext(AGENT, "s-1", OTHER_TRACEPARENT, "nightly reconciliation");
        assertSame(CallScope.Captured.NONE, CallScope.capture(), "nothing to capture outside a scope");
        CallScope.Captured captured;
        try (CallScope outer = CallScope.builder().intent("monthly close").traceparent(TRACEPARENT).open();
             CallScope inner = CallScope.builder().intent("refund order 42 for card 4111 1111 1111 1111").open()) {
            captured = CallScope.capture();
        }
        assertNull(CallScope.current());
        assertEquals("CallScope.Captured[intent, traceparent]", captured.toString(), "names what is set, never the text");

        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            other.submit(() -> {
                try (CallScope reopened = captured.reopen()) {
                    guard.check(session, READ).succeeded(Map.of());
                }
                assertNull(CallScope.current(), "closed again on that thread");
                return null;
            }).get(10, TimeUnit.SECONDS);
        } finally {
            other.shutdownNow();
        }
        AuditEvent event = intent(audit, 0);
        assertEquals("refund order 42 for card 4111 11** **** 1111", event.intent(), "the inner intent, masked");
        assertEquals(TRACEPARENT, event.traceId(), "the outer scope's traceparent, which the inner kept");
    }

    @Test
    void aReopenedScopeHidesTheScopeOfTheThreadItIsReopenedOn(JournalAssert audit) throws Exception {
        Guard guard = guard();
        CallContext session = new CallContext(AGENT, "s-1", null, "nightly reconciliation");
        CallScope.Captured none = CallScope.capture();
        CallScope.Captured traced;
        try (CallScope call = CallScope.builder().traceparent(TRACEPARENT).open()) {
            traced = CallScope.capture();
        }
        try (CallScope threads = CallScope.builder().intent("the thread's own purpose").traceparent(OTHER_TRACEPARENT)
                .breakGlass("the thread's own emergency, not the call's").open()) {
            try (CallScope reopened = none.reopen()) {
                assertNull(reopened.intent());
                assertNull(reopened.breakGlassJustification(), "no break-glass shows through");
                guard.check(session, READ).succeeded(Map.of());
            }
            try (CallScope reopened = traced.reopen()) {
                guard.check(session, READ).succeeded(Map.of());
            }
            assertSame(threads, CallScope.current(), "the thread's own scope applies again");
        }
        assertEquals("nightly reconciliation", intent(audit, 0).intent());
        assertNull(intent(audit, 0).traceId());
        assertEquals("nightly reconciliation", intent(audit, 1).intent(), "the captured scope set no intent");
        assertEquals(TRACEPARENT, intent(audit, 1).traceId());
    }

    @Test
    void closingAReopenedScopeEndsWhatWasLeftOpenInsideIt() {
        CallScope.Captured captured;
        try (CallScope call = CallScope.builder().breakGlass("the refund queue is stuck for everyone").open()) {
            captured = CallScope.capture();
        }
        CallScope reopened = captured.reopen();
        CallScope leftOpen = CallScope.builder().intent("an approver's own purpose").open(); // never closed by its code
        reopened.close();
        assertNull(CallScope.current(), "the thread is left as it was found: no break-glass lingers");
        assertTrue(leftOpen.toString().endsWith("closed]"), leftOpen.toString());
        // A scope the agent opened keeps the strict rule.
        CallScope outer = CallScope.builder().intent("outer purpose").open();
        CallScope inner = CallScope.builder().intent("inner purpose").open();
        assertThrows(IllegalStateException.class, outer::close);
        inner.close();
        outer.close();
    }

    @Test
    void scopesCloseInReverseOrderOnTheirOwnThread() throws Exception {
        CallScope outer = CallScope.builder().intent("outer purpose").open();
        CallScope inner = CallScope.builder().intent("inner purpose").open();
        try {
            assertEquals("an inner CallScope is still open; close scopes in reverse order (try-with-resources does)",
                    assertThrows(IllegalStateException.class, outer::close).getMessage());
            ExecutorService other = Executors.newSingleThreadExecutor();
            try {
                Throwable e = other.submit(() -> assertThrows(IllegalStateException.class, inner::close))
                        .get(10, TimeUnit.SECONDS);
                assertTrue(e.getMessage().startsWith("a CallScope is closed on the thread that opened it ("));
                assertNull(other.submit(CallScope::current).get(10, TimeUnit.SECONDS), "scopes are per thread");
            } finally {
                other.shutdownNow();
            }
        } finally {
            inner.close();
            outer.close();
        }
        assertNull(CallScope.current());
    }

    @Test
    void anIntentIsPlainTextOfAtMostAThousandCharacters() {
        assertEquals("intent is blank; state the purpose, e.g. \"refund order 42\"",
                assertThrows(IllegalArgumentException.class, () -> CallScope.builder().intent(" ")).getMessage());
        assertEquals("intent is 1001 characters; at most 1000 are journaled: state the purpose in a sentence",
                assertThrows(IllegalArgumentException.class, () -> CallScope.builder().intent("x".repeat(1001)))
                        .getMessage());
    }

    @Test
    void traceparentParsingFollowsTheW3cRules() {
        TraceParent tp = TraceParent.parse(TRACEPARENT);
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", tp.traceId());
        assertEquals("00f067aa0ba902b7", tp.parentId());
        assertTrue(tp.sampled());
        assertEquals(TRACEPARENT, tp.toString());
        assertFalse(TraceParent.parse(OTHER_TRACEPARENT).sampled());
        // A later version may append fields after a dash.
        assertEquals("cc", TraceParent.parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future")
                .version());

        Map<String, String> invalid = Map.of(
                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "invalid traceparent: version ff is forbidden",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", "invalid traceparent: parent-id is all zeros",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",
                "invalid traceparent: version 00 has exactly 55 characters, this one 57",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
                "invalid traceparent: trace-flags are not two lower-case hex digits",
                "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
                "invalid traceparent: not version-traceid-parentid-flags",
                "00-4bf9", "invalid traceparent: 7 characters, a traceparent has 55");
        invalid.forEach((value, message) -> assertEquals(message,
                assertThrows(IllegalArgumentException.class, () -> TraceParent.parse(value)).getMessage(), value));
        assertTrue(TraceParent.looksLikeTraceParent("00-abc-def-01"));
        assertFalse(TraceParent.looksLikeTraceParent("trace-42"));
        assertFalse(TraceParent.looksLikeTraceParent("123e4567-e89b-12d3-a456-426614174000"));
    }
}

package dev.agentguard.core.guard;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Outcome;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.journal.JournalException;
import dev.agentguard.core.action.Action;
import dev.agentguard.core.approval.ApprovalDecision;
import dev.agentguard.core.approval.ApprovalRequest;
import dev.agentguard.core.approval.Approver;
import dev.agentguard.core.approval.InMemoryApprover;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.identity.IdentityException;
import dev.agentguard.core.policy.AgentSelector;
import dev.agentguard.core.policy.Effect;
import dev.agentguard.core.policy.Policy;
import dev.agentguard.core.policy.Rule;
import dev.agentguard.core.policy.Sql;
import dev.agentguard.core.policy.SqlCondition;
import dev.agentguard.junit.JournalAssert;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.agentguard.core.action.StatementKind.DELETE;
import static dev.agentguard.core.action.StatementKind.SELECT;
import static dev.agentguard.core.action.StatementKind.UPDATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The guard pipeline against a real journal: the exact events of every path, and fail-closed behaviour. */
class GuardTest {

    static final AgentIdentity AGENT = AgentIdentity.of("payments-bot", "payments").actingFor("alice@example.com");
    static final CallContext CONTEXT = new CallContext(AGENT, "session-1", "trace-9", "look up order 42");
    static final String PAN = "4111111111111111";

    static final Policy POLICY = Policy.builder().name("guard-test").defaultEffect(Effect.DENY).rowLimit(1000)
            .rule(Rule.deny("no-delete-without-where").sql(SqlCondition.builder().kinds(UPDATE, DELETE).whereMissing(true)))
            .rule(Rule.requireApproval("refunds").agents(AgentSelector.roles("payments"))
                    .sql(SqlCondition.builder().tablesWritten("refunds")).requireIntent(true))
            .rule(Rule.requireApproval("exports").sql(SqlCondition.builder().tablesRead("exports")))
            .rule(Rule.allow("read").sql(SqlCondition.builder().kinds(SELECT)).rowLimit(100))
            .build();

    static final Action READ = Sql.select("public.orders", "public.cards").action("SELECT * FROM orders JOIN cards");
    static final Action DELETE_ALL = Sql.delete("public.cards").withoutWhere().action("DELETE FROM cards");
    static final Action REFUND = Sql.insert("refunds").action("INSERT INTO refunds VALUES (?, ?)");
    static final Action EXPORT = Sql.select("exports").action("SELECT * FROM exports");

    @TempJournal
    Journal journal;

    private final TestClock clock = new TestClock();

    private Guard guard(Approver approver) {
        return Guard.builder().policy(POLICY).journal(journal).approver(approver).clock(clock).build();
    }

    private Guard guard() {
        return guard(InMemoryApprover.denyAll());
    }

    /** The action events (not the journal's own), one line each: phase, decision, rule, outcome. */
    private static List<String> actionEvents(JournalAssert audit) {
        return audit.events().stream().filter(e -> e.channel() != Channel.JOURNAL)
                .map(e -> e.phase() + " " + e.decision() + " " + e.ruleId() + (e.outcome() == null ? "" : " " + e.outcome()))
                .toList();
    }

    private static AuditEvent only(JournalAssert audit, Phase phase) {
        List<AuditEvent> events = audit.events().stream().filter(e -> e.phase() == phase).toList();
        assertEquals(1, events.size(), "events of phase " + phase);
        return events.get(0);
    }

    @Test
    void allowedActionJournalsItsIntentBeforeAndItsOutcomeAfter(JournalAssert audit) throws Exception {
        Permit permit = guard().check(CONTEXT, READ);
        assertEquals(List.of("INTENT ALLOWED read"), actionEvents(audit));
        clock.advance(Duration.ofMillis(7));
        permit.succeeded(Map.of("rows", 3L));

        assertEquals(List.of("INTENT ALLOWED read", "OUTCOME ALLOWED read SUCCESS"), actionEvents(audit));
        assertEquals(100, permit.rowLimit());
        AuditEvent intent = only(audit, Phase.INTENT);
        assertEquals(intent.sequence(), permit.intentSequence());
        audit.hasEventMatching(e -> e.phase(Phase.INTENT).agent("payments-bot").onBehalfOf("alice@example.com")
                .session("session-1").trace("trace-9").intent("look up order 42").channel(Channel.JDBC)
                .resource("payments-db").action("SELECT * FROM orders JOIN cards")
                .object("public.cards").object("public.orders").decision(Decision.ALLOWED).rule("read"));
        assertEquals(List.of("public.cards", "public.orders"), intent.objects());
        AuditEvent outcome = only(audit, Phase.OUTCOME);
        assertEquals(Outcome.SUCCESS, outcome.outcome());
        assertEquals(Map.of("rows", 3L), outcome.counts());
        assertEquals(Duration.ofMillis(7), outcome.duration());
        assertEquals(Map.of("intent-seq", Long.toString(intent.sequence())), outcome.extensions());
        audit.hasEventMatching(e -> e.phase(Phase.OUTCOME).agent("payments-bot").session("session-1")
                .resource("payments-db").action("SELECT * FROM orders JOIN cards").rule("read"));
        audit.isIntact();
    }

    @Test
    void deniedActionJournalsOneDeniedIntentAndThrows(JournalAssert audit) {
        ActionRefusedException e = assertThrows(ActionRefusedException.class, () -> guard().check(CONTEXT, DELETE_ALL));

        assertEquals(Refusal.DENIED_BY_POLICY, e.refusal());
        assertEquals("no-delete-without-where", e.ruleId());
        assertEquals("DELETE without WHERE on public.cards", e.reason());
        assertEquals("denied by rule \"no-delete-without-where\": DELETE without WHERE on public.cards", e.getMessage());
        assertEquals(List.of("INTENT DENIED no-delete-without-where FAILURE"), actionEvents(audit));
        AuditEvent intent = only(audit, Phase.INTENT);
        assertEquals(e.getMessage(), intent.error());
        assertEquals(List.of("public.cards"), intent.objects());
        assertEquals("DELETE FROM cards", intent.action());
    }

    @Test
    void defaultDenialNamesTheDefault(JournalAssert audit) {
        ActionRefusedException e = assertThrows(ActionRefusedException.class,
                () -> guard().check(CONTEXT, Sql.insert("orders").action("INSERT INTO orders VALUES (?)")));

        assertEquals("denied by rule \"default\": no rule allows INSERT on orders; the policy default is deny",
                e.getMessage());
        assertEquals(List.of("INTENT DENIED default FAILURE"), actionEvents(audit));
    }

    @Test
    void approvedActionJournalsRequestDecisionAndIntent(JournalAssert audit) throws Exception {
        AtomicReference<ApprovalRequest> asked = new AtomicReference<>();
        Guard guard = guard(request -> {
            asked.set(request);
            return CompletableFuture.completedFuture(ApprovalDecision.approve("bob", "duplicate charge confirmed",
                    "TICKET-7"));
        });

        Permit permit = guard.check(CONTEXT.withIntent("refund order 42"), REFUND);
        permit.succeeded(Map.of("updated", 1L));

        String requestId = asked.get().requestId();
        assertEquals(List.of("APPROVAL APPROVAL_REQUIRED refunds", "APPROVAL APPROVED refunds", "INTENT APPROVED refunds",
                "OUTCOME APPROVED refunds SUCCESS"), actionEvents(audit));
        assertEquals(requestId, permit.approvalReference());
        for (AuditEvent e : audit.filteredOn(m -> m.channel(Channel.JDBC)).events()) {
            assertEquals(requestId, e.approvalRef(), e.phase() + " event's approval reference");
        }
        List<AuditEvent> approvals = audit.filteredOn(m -> m.phase(Phase.APPROVAL)).events();
        assertEquals(Map.of("action-hash", ApprovalRequest.hashOf(REFUND), "approval-timeout", "PT5M",
                "approval.grant", "once"), approvals.get(0).extensions());
        assertEquals(Map.of("approver", "bob", "approval-reason", "duplicate charge confirmed",
                "approver-reference", "TICKET-7", "action-hash", ApprovalRequest.hashOf(REFUND)),
                approvals.get(1).extensions());
        assertEquals("refund order 42", asked.get().intent());
        assertEquals("refunds", asked.get().ruleId());
        assertEquals(AGENT, asked.get().identity());
        audit.hasEventMatching(e -> e.phase(Phase.INTENT).intent("refund order 42").decision(Decision.APPROVED));
    }

    @Test
    void approverDenialRefusesTheAction(JournalAssert audit) {
        Guard guard = guard(request -> CompletableFuture.completedFuture(
                ApprovalDecision.deny("bob", "not without a ticket", null)));

        ActionRefusedException e = assertThrows(ActionRefusedException.class,
                () -> guard.check(CONTEXT.withIntent("refund order 42"), REFUND));

        assertEquals(Refusal.APPROVAL_DENIED, e.refusal());
        assertEquals("approval for rule \"refunds\" refused: bob refused it: not without a ticket", e.getMessage());
        assertEquals(List.of("APPROVAL APPROVAL_REQUIRED refunds", "APPROVAL DENIED refunds",
                "INTENT DENIED refunds FAILURE"), actionEvents(audit));
        assertEquals(e.getMessage(), only(audit, Phase.INTENT).error());
    }

    @Test
    void approvalTimeoutRefusesTheActionAndStopsWaiting(JournalAssert audit) {
        InMemoryApprover nobodyAnswers = new InMemoryApprover();
        Guard guard = Guard.builder().policy(POLICY).journal(journal).approver(nobodyAnswers)
                .approvalTimeout(Duration.ofMillis(50)).build();

        ActionRefusedException e = assertThrows(ActionRefusedException.class, () -> guard.check(CONTEXT, EXPORT));

        assertEquals(Refusal.APPROVAL_TIMED_OUT, e.refusal());
        assertEquals("approval for rule \"exports\" timed out: no decision within 0.05s", e.getMessage());
        assertEquals(List.of("APPROVAL APPROVAL_REQUIRED exports", "APPROVAL DENIED exports FAILURE",
                "INTENT DENIED exports FAILURE"), actionEvents(audit));
        assertEquals("no decision within 0.05s",
                audit.filteredOn(m -> m.phase(Phase.APPROVAL).decision(Decision.DENIED)).events().get(0).error());
        assertEquals(List.of(), nobodyAnswers.pending(), "the guard gave up the request");
    }

    @Test
    void approverThatThrowsRefusesTheAction(JournalAssert audit) {
        Guard guard = guard(request -> {
            throw new IllegalStateException("approval service down at https://approvals.internal?token=abc");
        });

        ActionRefusedException e = assertThrows(ActionRefusedException.class, () -> guard.check(CONTEXT, EXPORT));

        assertEquals(Refusal.APPROVAL_DENIED, e.refusal());
        assertEquals("approval for rule \"exports\" refused: the approver failed (IllegalStateException)",
                e.getMessage());
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertEquals(List.of("APPROVAL APPROVAL_REQUIRED exports", "APPROVAL DENIED exports FAILURE",
                "INTENT DENIED exports FAILURE"), actionEvents(audit));
        audit.containsNoMatch(java.util.regex.Pattern.compile("token=abc"));
    }

    @Test
    void approverWhoseAnswerFailsRefusesTheAction(JournalAssert audit) {
        Guard guard = guard(request -> CompletableFuture.failedFuture(new java.io.IOException("connection reset")));

        ActionRefusedException e = assertThrows(ActionRefusedException.class, () -> guard.check(CONTEXT, EXPORT));

        assertEquals("approval for rule \"exports\" refused: the approver failed (IOException)", e.getMessage());
        assertEquals(List.of("APPROVAL APPROVAL_REQUIRED exports", "APPROVAL DENIED exports FAILURE",
                "INTENT DENIED exports FAILURE"), actionEvents(audit));
    }

    @Test
    void approvalRuleRequiringIntentRefusesWithoutAskingWhenNoneIsStated(JournalAssert audit) {
        AtomicInteger asked = new AtomicInteger();
        Guard guard = guard(request -> {
            asked.incrementAndGet();
            return CompletableFuture.completedFuture(ApprovalDecision.approve("bob", null, null));
        });

        ActionRefusedException e = assertThrows(ActionRefusedException.class,
                () -> guard.check(CallContext.of(AGENT, "session-1"), REFUND));

        assertEquals(Refusal.APPROVAL_DENIED, e.refusal());
        assertEquals("approval for rule \"refunds\" refused: the rule requires the agent to state its intent, and none "
                + "was given; nobody was asked", e.getMessage());
        assertEquals(0, asked.get());
        assertEquals(List.of("INTENT DENIED refunds FAILURE"), actionEvents(audit));
    }

    @Test
    void waitingForApprovalDoesNotBlockOtherActions(JournalAssert audit) throws Exception {
        CountDownLatch requested = new CountDownLatch(1);
        InMemoryApprover approver = new InMemoryApprover();
        Guard guard = guard(request -> {
            var answer = approver.request(request);
            requested.countDown();
            return answer;
        });
        ExecutorService agentThread = Executors.newSingleThreadExecutor();
        try {
            Future<Permit> waiting = agentThread.submit(() -> guard.check(CONTEXT, EXPORT));
            assertTrue(requested.await(10, TimeUnit.SECONDS), "the approval request arrives");

            guard.check(CONTEXT, READ).succeeded(Map.of("rows", 0L)); // runs while the export waits
            assertFalse(waiting.isDone());
            approver.approve(approver.pending().get(0).requestId(), "bob", "fine");
            waiting.get(10, TimeUnit.SECONDS).succeeded(Map.of());
        } finally {
            agentThread.shutdownNow();
        }

        assertEquals(List.of("APPROVAL APPROVAL_REQUIRED exports", "INTENT ALLOWED read", "OUTCOME ALLOWED read SUCCESS",
                "APPROVAL APPROVED exports", "INTENT APPROVED exports", "OUTCOME APPROVED exports SUCCESS"),
                actionEvents(audit));
    }

    @Test
    void closedJournalRefusesTheActionBeforeItRuns(JournalAssert audit) throws Exception {
        journal.close();

        ActionRefusedException e = assertThrows(ActionRefusedException.class, () -> guard().check(CONTEXT, READ));

        assertEquals(Refusal.JOURNAL_UNAVAILABLE, e.refusal());
        assertNull(e.ruleId());
        assertEquals("refused because the audit journal cannot record the action: journal " + journal.directory()
                + " is closed; event not written", e.getMessage());
        assertInstanceOf(JournalException.class, e.getCause());
        assertEquals(List.of(), actionEvents(audit));
    }

    @Test
    void closedJournalRefusesAnApprovalBeforeAnyoneIsAsked() throws Exception {
        journal.close();
        AtomicInteger asked = new AtomicInteger();
        Guard guard = guard(request -> {
            asked.incrementAndGet();
            return CompletableFuture.completedFuture(ApprovalDecision.approve("bob", null, null));
        });

        ActionRefusedException e = assertThrows(ActionRefusedException.class, () -> guard.check(CONTEXT, EXPORT));

        assertEquals(Refusal.JOURNAL_UNAVAILABLE, e.refusal());
        assertEquals(0, asked.get());
    }

    @Test
    void denialStaysADenialWhenTheJournalIsClosed() throws Exception {
        journal.close();

        ActionRefusedException e = assertThrows(ActionRefusedException.class, () -> guard().check(CONTEXT, DELETE_ALL));

        assertEquals(Refusal.DENIED_BY_POLICY, e.refusal());
        assertEquals(1, e.getSuppressed().length);
        assertInstanceOf(JournalException.class, e.getSuppressed()[0]);
    }

    @Test
    void actionWithoutIdentityIsJournaledAndRefused(JournalAssert audit) {
        IdentityException cause = new IdentityException("token expired at 2026-11-26T10:00:00Z");

        ActionRefusedException e = assertThrows(ActionRefusedException.class, () -> guard().refuseWithoutIdentity(
                Channel.JDBC, "payments-db", "SELECT * FROM cards", "session-2", cause));

        assertEquals(Refusal.NO_IDENTITY, e.refusal());
        assertNull(e.ruleId());
        assertEquals("no verified agent identity: token expired at 2026-11-26T10:00:00Z", e.getMessage());
        assertEquals(cause, e.getCause());
        assertEquals(List.of("IDENTITY DENIED null FAILURE"), actionEvents(audit));
        AuditEvent event = only(audit, Phase.IDENTITY);
        assertNull(event.agentId());
        assertEquals("session-2", event.sessionId());
        assertEquals("payments-db", event.resource());
        assertEquals("SELECT * FROM cards", event.action());
        assertEquals(e.getMessage(), event.error());
        assertEquals(Map.of("pci-requirement", "10.2.1.4"), event.extensions());
    }

    @Test
    void identityRefusalIsThrownEvenWhenTheJournalIsClosed() throws Exception {
        journal.close();

        ActionRefusedException e = assertThrows(ActionRefusedException.class, () -> guard().refuseWithoutIdentity(
                Channel.HTTP, "api.example.com", "GET /", "s", new IdentityException("no token")));

        assertEquals(Refusal.NO_IDENTITY, e.refusal());
        assertInstanceOf(JournalException.class, e.getSuppressed()[0]);
    }

    @Test
    void outcomeCanBeReportedOnlyOnce() throws Exception {
        Permit permit = guard().check(CONTEXT, READ);
        permit.succeeded(Map.of());

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> permit.failed("late", Map.of()));

        assertEquals("the outcome of this action was already journaled (intent event " + permit.intentSequence()
                + "); report it once, with succeeded() or failed()", e.getMessage());
        assertTrue(permit.isFinished());
    }

    @Test
    void failedOutcomeMasksTheErrorText(JournalAssert audit) throws Exception {
        Permit permit = guard().check(CONTEXT, READ);

        permit.failed("duplicate key value (" + PAN + ") violates unique constraint", Map.of("rows", 0L));

        AuditEvent outcome = only(audit, Phase.OUTCOME);
        assertEquals(Outcome.FAILURE, outcome.outcome());
        assertEquals("duplicate key value (411111******1111) violates unique constraint", outcome.error());
        audit.containsNoPan();
    }

    @Test
    void outcomeWithMaskedValuesIsMarkedMasked(JournalAssert audit) throws Exception {
        guard().check(CONTEXT, READ).succeeded(Map.of("rows", 2L, "masked.pan", 2L));

        assertEquals(List.of("INTENT ALLOWED read", "OUTCOME MASKED read SUCCESS"), actionEvents(audit));
        assertEquals(Map.of("rows", 2L, "masked.pan", 2L), only(audit, Phase.OUTCOME).counts());
    }

    @Test
    void statedIntentIsMaskedBeforeItIsJournaledOrShownToAnApprover(JournalAssert audit) throws Exception {
        AtomicReference<ApprovalRequest> asked = new AtomicReference<>();
        Guard guard = guard(request -> {
            asked.set(request);
            return CompletableFuture.completedFuture(ApprovalDecision.approve("bob", "card " + PAN + " is fine", null));
        });

        guard.check(CONTEXT.withIntent("refund card " + PAN), REFUND).succeeded(Map.of());

        assertEquals("refund card 411111******1111", asked.get().intent());
        audit.hasEventMatching(e -> e.phase(Phase.INTENT).intent("refund card 411111******1111"));
        audit.containsNoPan();
    }

    @Test
    void multiStatementObjectsAreEveryTableReadOrWritten(JournalAssert audit) throws Exception {
        Policy open = Policy.builder().name("open").defaultEffect(Effect.ALLOW).build();
        Guard guard = Guard.builder().policy(open).journal(journal).build();

        guard.check(CONTEXT, Sql.action("SELECT …; INSERT …", Sql.select("b", "a").build(),
                Sql.insert("c").reads("a").build())).succeeded(Map.of());

        assertEquals(List.of("a", "b", "c"), only(audit, Phase.INTENT).objects());
    }

    @Test
    void builderRequiresAPolicyAndAJournal() {
        assertEquals("a guard needs a policy: call policy(Policy.load(path)) or policy(Policy.builder()…build())",
                assertThrows(IllegalStateException.class, () -> Guard.builder().journal(journal).build()).getMessage());
        assertEquals("a guard needs a journal: call journal(Journal.builder(dir).build()); actions are journaled before "
                + "they run, so there is no guard without one",
                assertThrows(IllegalStateException.class, () -> Guard.builder().policy(POLICY).build()).getMessage());
        assertEquals("approvalTimeout is PT0S; allowed is more than 0 and at most 1 day (PT24H): an agent's call should "
                + "not wait longer for a person", assertThrows(IllegalArgumentException.class,
                () -> Guard.builder().approvalTimeout(Duration.ZERO)).getMessage());
    }

    @Test
    void guardSharesThePolicysMasker() {
        Guard guard = guard();

        assertEquals(POLICY.masking().masker(), guard.masker());
        assertEquals(POLICY, guard.policy());
    }

    @Test
    void unknownSqlIsRefusedAndJournaled(JournalAssert audit) {
        ActionRefusedException e = assertThrows(ActionRefusedException.class,
                () -> guard().check(CONTEXT, Sql.action("DO $$ … $$", Sql.unknown())));

        assertEquals("denied by rule \"default\": no rule allows SQL that could not be understood; the policy default "
                + "is deny", e.getMessage());
        assertEquals(List.of("INTENT DENIED default FAILURE"), actionEvents(audit));
    }

    @Test
    void aStatementTooLongForOneEventIsJournaledCutAndStillDecided(JournalAssert audit) throws Exception {
        String sql = "SELECT " + "a, ".repeat(20_000) + "b FROM orders";

        guard().check(CONTEXT, Sql.select("orders").action(sql)).succeeded(Map.of());

        String journaled = only(audit, Phase.INTENT).action();
        assertTrue(journaled.length() <= dev.agentguard.audit.EventDraft.MAX_TEXT_LENGTH, "fits one event");
        assertTrue(journaled.startsWith("SELECT a, a, "));
        assertTrue(journaled.endsWith("… (cut: " + sql.length() + " characters in all)"), journaled.substring(16_000));
    }

    @Test
    void onlyActionChannelsAreGuarded() {
        Action journalAction = new Action(Channel.JOURNAL, "x", "y", READ.detail());

        assertEquals("channel JOURNAL carries no agent actions; a guarded action travels on JDBC, HTTP or SSH",
                assertThrows(IllegalArgumentException.class, () -> guard().check(CONTEXT, journalAction)).getMessage());
    }

    /** A clock the test moves by hand, so that durations are exact. */
    static final class TestClock extends Clock {
        private Instant now = Instant.parse("2026-11-26T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}

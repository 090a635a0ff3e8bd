package dev.agentguard.core.guard;

import com.nimbusds.jwt.PlainJWT;
import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.action.Action;
import dev.agentguard.core.approval.ApprovalRequest;
import dev.agentguard.core.approval.DecisionClaims;
import dev.agentguard.core.approval.DecisionSigner;
import dev.agentguard.core.approval.DecisionVerifier;
import dev.agentguard.core.approval.PendingApproval;
import dev.agentguard.core.approval.TestKeys;
import dev.agentguard.core.approval.WebhookApprover;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.policy.Effect;
import dev.agentguard.core.policy.Policy;
import dev.agentguard.core.policy.Rule;
import dev.agentguard.core.policy.Sql;
import dev.agentguard.core.policy.SqlCondition;
import dev.agentguard.junit.JournalAssert;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Just-in-time approval end to end: the guard, a {@link WebhookApprover} and an approval service
 * on loopback that signs its decisions with a locally generated key.
 */
class WebhookApprovalTest {

    static final AgentIdentity AGENT = AgentIdentity.of("payments-bot", "payments").actingFor("alice@example.com");
    static final CallContext CONTEXT = new CallContext(AGENT, "session-1", null, "refund order 42");
    static final String PAN = "4111111111111111";

    static final Policy POLICY = Policy.builder().name("approvals").defaultEffect(Effect.DENY)
            .rule(Rule.requireApproval("refunds").sql(SqlCondition.builder().tablesWritten("refunds")))
            .rule(Rule.requireApproval("card-exports").sql(SqlCondition.builder().tablesRead("cards")).approvals(2))
            .rule(Rule.requireApproval("ledger-fixes").sql(SqlCondition.builder().tablesWritten("ledger"))
                    .approvers("payments-leads", "risk"))
            .rule(Rule.requireApproval("report-reads").sql(SqlCondition.builder().tablesRead("reports"))
                    .grantWindow(Duration.ofMinutes(15)))
            .build();

    static final Action REFUND = Sql.insert("refunds").action("INSERT INTO refunds VALUES (?, ?)");
    static final Action OTHER_REFUND = Sql.insert("refunds").action("INSERT INTO refunds (id, amount) VALUES (?, ?)");
    static final Action EXPORT = Sql.select("cards").action("SELECT pan FROM cards WHERE id = ?");
    static final Action LEDGER_FIX = Sql.update("ledger").action("UPDATE ledger SET amount = ? WHERE id = ?");
    static final Action REPORT = Sql.select("reports").action("SELECT * FROM reports WHERE day = ?");
    static final Action OTHER_REPORT = Sql.select("reports").action("SELECT count(*) FROM reports");

    @TempJournal
    Journal journal;

    private final GuardTest.TestClock clock = new GuardTest.TestClock();
    private final KeyPair serviceKey = TestKeys.ed25519();
    private final DecisionSigner signer = TestKeys.signer(serviceKey);
    private LoopbackApprovalService service;

    @BeforeEach
    void startService() throws Exception {
        service = new LoopbackApprovalService(signer, clock);
    }

    @AfterEach
    void stopService() {
        service.close();
    }

    private WebhookApprover webhook(KeyPair trusted) {
        return WebhookApprover.builder(service.url())
                .verifier(DecisionVerifier.builder().key(trusted.getPublic()).acceptedAlgorithms("EdDSA").clock(clock)
                        .build())
                .pollInterval(Duration.ofMillis(20))
                .clock(clock)
                .build();
    }

    private Guard guard() {
        return guard(Duration.ofSeconds(30));
    }

    private Guard guard(Duration timeout) {
        return Guard.builder().policy(POLICY).journal(journal).approver(webhook(serviceKey)).approvalTimeout(timeout)
                .clock(clock).build();
    }

    private static List<String> actionEvents(JournalAssert audit) {
        return audit.events().stream().filter(e -> e.channel() != Channel.JOURNAL)
                .map(e -> e.phase() + " " + e.decision() + " " + e.ruleId() + (e.outcome() == null ? "" : " " + e.outcome()))
                .toList();
    }

    private static List<AuditEvent> approvals(JournalAssert audit) {
        return audit.filteredOn(m -> m.phase(Phase.APPROVAL)).events();
    }

    private static ActionRefusedException refused(Guard guard, CallContext context, Action action) {
        return assertThrows(ActionRefusedException.class, () -> guard.check(context, action));
    }

    @Test
    void anApprovalSignedByTheServiceRunsTheActionAndIsJournaledWithItsToken(JournalAssert audit) throws Exception {
        AtomicReference<String> issued = new AtomicReference<>();
        service.answer(r -> {
            issued.set(service.sign(r, true, "bob@example.com", Set.of("payments-leads"), "duplicate charge confirmed"));
            return LoopbackApprovalService.Answer.token(issued.get());
        });

        Permit permit = guard().check(CONTEXT, REFUND);
        permit.succeeded(Map.of("updated", 1L));

        assertEquals(List.of("APPROVAL APPROVAL_REQUIRED refunds", "APPROVAL APPROVED refunds", "INTENT APPROVED refunds",
                "OUTCOME APPROVED refunds SUCCESS"), actionEvents(audit));
        PendingApproval asked = service.requests().get(0);
        assertEquals(permit.approvalReference(), asked.requestId());
        assertEquals(ApprovalRequest.hashOf(REFUND), asked.actionHash());
        assertEquals("payments-bot", asked.agentId());
        assertEquals("alice@example.com", asked.onBehalfOf());
        assertEquals("refund order 42", asked.intent());
        assertEquals("refunds", asked.ruleId());
        assertEquals(Map.of("approver", "bob@example.com", "approval-reason", "duplicate charge confirmed",
                "approval.approver-groups", "payments-leads", "approval.jws", issued.get(),
                "action-hash", ApprovalRequest.hashOf(REFUND)), approvals(audit).get(1).extensions());
        audit.isIntact();
    }

    @Test
    void aSignedRefusalRefusesTheActionWithTheApproversReason(JournalAssert audit) {
        service.answer(r -> LoopbackApprovalService.Answer.token(service.sign(r, false, "bob@example.com", Set.of(),
                "no ticket for this refund")));

        ActionRefusedException e = refused(guard(), CONTEXT, REFUND);

        assertEquals(Refusal.APPROVAL_DENIED, e.refusal());
        assertEquals("approval for rule \"refunds\" refused: bob@example.com refused it: no ticket for this refund",
                e.getMessage());
        assertEquals(List.of("APPROVAL APPROVAL_REQUIRED refunds", "APPROVAL DENIED refunds",
                "INTENT DENIED refunds FAILURE"), actionEvents(audit));
        assertTrue(approvals(audit).get(1).extensions().containsKey("approval.jws"), "a signed refusal is evidence too");
    }

    @Test
    void noDecisionWithinTheTimeoutRefusesTheAction(JournalAssert audit) {
        service.neverAnswerInTime();

        ActionRefusedException e = refused(guard(Duration.ofMillis(200)), CONTEXT, REFUND);

        assertEquals(Refusal.APPROVAL_TIMED_OUT, e.refusal());
        assertEquals("approval for rule \"refunds\" timed out: no decision within 0.2s", e.getMessage());
        assertEquals(List.of("APPROVAL APPROVAL_REQUIRED refunds", "APPROVAL DENIED refunds FAILURE",
                "INTENT DENIED refunds FAILURE"), actionEvents(audit));
    }

    @Test
    void theAgentCannotApproveItsOwnActionEvenWithAValidSignature(JournalAssert audit) {
        service.answer(service.approvingAs("payments-bot"));

        ActionRefusedException e = refused(guard(), CONTEXT, REFUND);

        assertEquals("approval for rule \"refunds\" refused: agent \"payments-bot\" approved its own action; approval "
                + "needs someone else", e.getMessage());
        AuditEvent decision = approvals(audit).get(1);
        assertEquals(Decision.DENIED, decision.decision());
        assertEquals("agent \"payments-bot\" approved its own action; approval needs someone else", decision.error());
        assertFalse(decision.extensions().containsKey("approval.jws"), "not recorded as a decision it was not");
        assertTrue(decision.extensions().containsKey("approval.refused-jws"));
    }

    @Test
    void thePersonTheAgentActsForCannotApproveEither() {
        service.answer(service.approvingAs("Alice@Example.com"));

        assertEquals("approval for rule \"refunds\" refused: \"Alice@Example.com\" approved an action the agent takes "
                + "on their behalf; approval needs someone else", refused(guard(), CONTEXT, REFUND).getMessage());
    }

    @Test
    void aRuleNeedingTwoApprovalsAsksTwiceAndJournalsBoth(JournalAssert audit) throws Exception {
        service.answer(r -> LoopbackApprovalService.Answer.token(service.sign(r, true,
                r.approvedBy().isEmpty() ? "bob@example.com" : "carol@example.com", Set.of(), "ok")));

        Permit permit = guard().check(CONTEXT, EXPORT);

        assertEquals(List.of("APPROVAL APPROVAL_REQUIRED card-exports", "APPROVAL APPROVED card-exports",
                "APPROVAL APPROVED card-exports", "INTENT APPROVED card-exports"), actionEvents(audit));
        List<PendingApproval> asked = service.requests();
        assertEquals(2, asked.size());
        assertEquals(List.of(), asked.get(0).approvedBy());
        assertEquals(List.of("bob@example.com"), asked.get(1).approvedBy());
        assertEquals(asked.get(0).requestId(), asked.get(1).requestId());
        assertEquals(2, asked.get(1).approvalsNeeded());
        List<AuditEvent> events = approvals(audit);
        assertEquals("2", events.get(0).extensions().get("approval.needed"));
        assertEquals("1 of 2", events.get(1).extensions().get("approval.count"));
        assertEquals("carol@example.com", events.get(2).extensions().get("approver"));
        assertEquals("2 of 2", events.get(2).extensions().get("approval.count"));
        assertEquals(asked.get(0).requestId(), permit.approvalReference());
    }

    @Test
    void oneApproverTwiceIsNotTwoApprovals() {
        service.answer(service.approvingAs("bob@example.com"));

        assertEquals("approval for rule \"card-exports\" refused: \"bob@example.com\" approved twice; the rule needs 2 "
                + "different approvers", refused(guard(), CONTEXT, EXPORT).getMessage());
    }

    @Test
    void aRefusalAfterAnApprovalStillRefuses(JournalAssert audit) {
        service.answer(r -> LoopbackApprovalService.Answer.token(r.approvedBy().isEmpty()
                ? service.sign(r, true, "bob@example.com", Set.of(), "ok")
                : service.sign(r, false, "carol@example.com", Set.of(), "too many rows")));

        assertEquals("approval for rule \"card-exports\" refused: carol@example.com refused it: too many rows",
                refused(guard(), CONTEXT, EXPORT).getMessage());
        assertEquals(List.of("APPROVAL APPROVAL_REQUIRED card-exports", "APPROVAL APPROVED card-exports",
                "APPROVAL DENIED card-exports", "INTENT DENIED card-exports FAILURE"), actionEvents(audit));
    }

    @Test
    void onlyAnApproverInOneOfTheRulesGroupsCounts(JournalAssert audit) throws Exception {
        service.answer(service.approvingAs("dave@example.com", "support"));

        assertEquals("approval for rule \"ledger-fixes\" refused: \"dave@example.com\" is in none of the rule's "
                + "approver groups (payments-leads, risk); the approval does not count",
                refused(guard(), CONTEXT, LEDGER_FIX).getMessage());
        assertEquals(List.of("payments-leads", "risk"), List.copyOf(service.requests().get(0).approverGroups()));

        service.answer(service.approvingAs("erin@example.com", "support", "risk"));
        guard().check(CONTEXT, LEDGER_FIX).succeeded(Map.of());
        audit.hasEventMatching(m -> m.phase(Phase.APPROVAL).decision(Decision.APPROVED).rule("ledger-fixes")
                .extension("approver", "erin@example.com"));
    }

    @Test
    void aWindowGrantIsReusedForTheSameRuleAgentAndResourceUntilItExpires(JournalAssert audit) throws Exception {
        service.answer(service.approvingAs("bob@example.com"));
        Guard guard = guard();

        String first = guard.check(CONTEXT, REPORT).approvalReference();
        clock.advance(Duration.ofMinutes(14));
        Permit reused = guard.check(CONTEXT, OTHER_REPORT);

        assertEquals(1, service.bodies().size(), "the second read asked nobody");
        assertEquals(first, reused.approvalReference());
        audit.hasEventMatching(m -> m.phase(Phase.APPROVAL).decision(Decision.APPROVED).approval(first)
                .extension("approval.grant", "reused").extension("approver", "bob@example.com")
                .extension("approval.grant-expires", "2026-11-26T10:15:00Z")
                .extension("action-hash", ApprovalRequest.hashOf(OTHER_REPORT)));

        clock.advance(Duration.ofMinutes(1));
        String third = guard.check(CONTEXT, REPORT).approvalReference();

        assertEquals(2, service.bodies().size(), "an expired grant asks again");
        assertFalse(third.equals(first));
        audit.hasEventMatching(m -> m.phase(Phase.APPROVAL).approval(first).extension("approval.grant", "expired"));
    }

    @Test
    void aWindowGrantDoesNotCoverAnotherAgentOrPersonOrResource() throws Exception {
        service.answer(service.approvingAs("bob@example.com"));
        Guard guard = guard();
        guard.check(CONTEXT, REPORT);

        guard.check(new CallContext(AgentIdentity.of("reporting-bot"), "s-2", null, null), REPORT);
        guard.check(new CallContext(AGENT.actingFor("mallory@example.com"), "s-3", null, null), REPORT);
        guard.check(CONTEXT, new Action(Channel.JDBC, "reporting-db", REPORT.redactedText(), REPORT.detail()));

        assertEquals(4, service.bodies().size());
    }

    @Test
    void aOnceGrantCoversOneActionOnly() throws Exception {
        service.answer(service.approvingAs("bob@example.com"));
        Guard guard = guard();

        guard.check(CONTEXT, REFUND);
        guard.check(CONTEXT, REFUND);

        assertEquals(2, service.bodies().size());
    }

    @Test
    void aGrantReplayedForAnotherRequestIsRefused(JournalAssert audit) throws Exception {
        AtomicReference<String> firstToken = new AtomicReference<>();
        service.answer(r -> {
            firstToken.compareAndSet(null, service.sign(r, true, "bob@example.com", Set.of(), "ok"));
            return LoopbackApprovalService.Answer.token(firstToken.get());
        });
        Guard guard = guard();
        String first = guard.check(CONTEXT, REFUND).approvalReference();

        ActionRefusedException e = refused(guard, CONTEXT, OTHER_REFUND);

        assertEquals("approval for rule \"refunds\" refused: the signed decision was rejected: the signed decision is "
                + "for another request (\"" + first + "\"), not " + service.requests().get(1).requestId(), e.getMessage());
        AuditEvent rejected = approvals(audit).get(3);
        assertEquals(Decision.DENIED, rejected.decision());
        assertNull(rejected.extensions().get("approval.jws"), "a rejected token is no evidence");
        assertEquals(64, rejected.extensions().get("approval.rejected-jws-sha256").length());
    }

    @Test
    void aGrantForAnotherActionUnderTheSameRequestIdIsRefused() {
        Action other = OTHER_REFUND;
        service.answer(r -> LoopbackApprovalService.Answer.token(signer.sign(DecisionClaims.of(true, r.requestId(),
                ApprovalRequest.hashOf(other), "bob@example.com", null, clock.instant(), Duration.ofMinutes(5)))));

        assertEquals("approval for rule \"refunds\" refused: the signed decision was rejected: the signed decision's "
                + "grant scope is another action (hash " + ApprovalRequest.hashOf(other).substring(0, 12) + "…), not "
                + "this one (hash " + ApprovalRequest.hashOf(REFUND).substring(0, 12) + "…)",
                refused(guard(), CONTEXT, REFUND).getMessage());
    }

    @Test
    void aTamperedTokenIsRefused() {
        service.answer(r -> {
            String[] parts = service.sign(r, true, "bob@example.com", Set.of(), "ok").split("\\.");
            byte[] sig = Base64.getUrlDecoder().decode(parts[2]);
            sig[0] ^= 1;
            return LoopbackApprovalService.Answer.token(parts[0] + "." + parts[1] + "."
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(sig));
        });

        assertEquals("approval for rule \"refunds\" refused: the signed decision was rejected: the decision's signature "
                + "does not verify with key \"" + signer.keyId() + "\"", refused(guard(), CONTEXT, REFUND).getMessage());
    }

    @Test
    void anUnsignedDecisionIsRefused() {
        service.answer(r -> LoopbackApprovalService.Answer.token(new PlainJWT(new com.nimbusds.jwt.JWTClaimsSet.Builder()
                .subject("bob@example.com").claim("decision", "approved").claim("request_id", r.requestId())
                .claim("grant_scope", r.actionHash()).build()).serialize()));

        assertEquals("approval for rule \"refunds\" refused: the signed decision was rejected: the decision is not a "
                + "signed JWS (unsigned, or not a compact JWS at all)", refused(guard(), CONTEXT, REFUND).getMessage());
    }

    @Test
    void aDecisionSignedByAnotherKeyIsRefused() {
        Guard trustingAnother = Guard.builder().policy(POLICY).journal(journal).approver(webhook(TestKeys.ed25519()))
                .clock(clock).build();
        service.answer(service.approvingAs("bob@example.com"));

        assertEquals("approval for rule \"refunds\" refused: the signed decision was rejected: the decision is signed "
                + "by an unknown key (kid \"" + signer.keyId() + "\")",
                refused(trustingAnother, CONTEXT, REFUND).getMessage());
    }

    @Test
    void anExpiredDecisionIsRefused() {
        service.answer(r -> LoopbackApprovalService.Answer.token(signer.sign(DecisionClaims.of(true, r.requestId(),
                r.actionHash(), "bob@example.com", null, clock.instant().minus(Duration.ofMinutes(10)),
                Duration.ofMinutes(5)))));

        assertEquals("approval for rule \"refunds\" refused: the signed decision was rejected: the signed decision "
                + "expired at 2026-11-26T09:55:00Z", refused(guard(), CONTEXT, REFUND).getMessage());
    }

    @Test
    void aDecisionNotMadeYetIsPolledAtItsLocation() throws Exception {
        service.decideLater();
        Guard guard = guard();
        ExecutorService agentThread = Executors.newSingleThreadExecutor();
        try {
            Future<Permit> waiting = agentThread.submit(() -> guard.check(CONTEXT, REFUND));
            service.awaitPoll();
            PendingApproval asked = service.requests().get(0);
            assertFalse(waiting.isDone());

            service.decide(asked.requestId(), service.sign(asked, true, "bob@example.com", Set.of(), "ok"));

            assertEquals(asked.requestId(), waiting.get(10, TimeUnit.SECONDS).approvalReference());
        } finally {
            agentThread.shutdownNow();
        }
    }

    @Test
    void anErrorFromTheServiceRefusesWithItsStatusOnly() {
        service.answer(r -> new LoopbackApprovalService.Answer(503, "upstream token=s3cr3t", null));

        ActionRefusedException e = refused(guard(), CONTEXT, REFUND);

        assertEquals("approval for rule \"refunds\" refused: the approver failed: the approval service answered HTTP "
                + "503; expected 200 with a signed decision or 202 with a Location to poll", e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t"));
    }

    @Test
    void theRequestDocumentCarriesTheRedactedActionAndTheMaskedIntentOnly(JournalAssert audit) throws Exception {
        service.answer(service.approvingAs("bob@example.com"));

        guard().check(CONTEXT.withIntent("refund card " + PAN + " twice charged"), REFUND);

        String body = service.bodies().get(0);
        assertFalse(body.contains(PAN), body);
        assertTrue(body.contains("refund card 411111******1111 twice charged"), body);
        assertTrue(body.contains("\"text\":\"INSERT INTO refunds VALUES (?, ?)\""), body);
        assertTrue(body.contains("\"grant_scope\":\"" + ApprovalRequest.hashOf(REFUND) + "\""), body);
        audit.containsNoPan();
    }

    @Test
    void theWebhookIsHttpsExceptOnLoopbackAndNeedsAVerifier() {
        assertEquals("the approval webhook must be https (plain http only on a loopback address such as 127.0.0.1), got "
                + "http://approvals.example.com", assertThrows(IllegalArgumentException.class,
                () -> WebhookApprover.builder(URI.create("http://approvals.example.com/decide"))).getMessage());
        assertEquals("the approval webhook URL must not carry credentials (user:password@)",
                assertThrows(IllegalArgumentException.class,
                        () -> WebhookApprover.builder(URI.create("https://u:p@approvals.example.com/"))).getMessage());
        assertEquals("a webhook approver accepts signed decisions only: call verifier(DecisionVerifier.builder()"
                + ".keyFile(…).acceptedAlgorithms(…).build())", assertThrows(IllegalStateException.class,
                () -> WebhookApprover.builder(URI.create("https://approvals.example.com/")).build()).getMessage());
    }

    @Test
    void aFailedStageIsARefusalWhateverTheApprover() {
        Guard guard = Guard.builder().policy(POLICY).journal(journal).clock(clock)
                .approver(r -> CompletableFuture.failedFuture(new dev.agentguard.core.approval.RejectedDecisionException(
                        "the decision file is larger than a signed decision can be", null)))
                .build();

        ActionRefusedException e = refused(guard, CONTEXT, REFUND);

        assertInstanceOf(dev.agentguard.core.approval.RejectedDecisionException.class, e.getCause());
        assertEquals("approval for rule \"refunds\" refused: the signed decision was rejected: the decision file is "
                + "larger than a signed decision can be", e.getMessage());
    }
}

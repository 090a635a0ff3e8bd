package dev.agentguard.core.approval;

import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.action.Action;
import dev.agentguard.core.guard.ActionRefusedException;
import dev.agentguard.core.guard.CallContext;
import dev.agentguard.core.guard.Guard;
import dev.agentguard.core.guard.Refusal;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.policy.Effect;
import dev.agentguard.core.policy.Policy;
import dev.agentguard.core.policy.Rule;
import dev.agentguard.core.policy.Sql;
import dev.agentguard.core.policy.SqlCondition;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An attacker's look at the approval flow: the guard must hold its terms whatever the approver hands it. */
class AdversarialApprovalTest {

    static final AgentIdentity AGENT = AgentIdentity.of("payments-bot", "payments").actingFor("alice@example.com");
    static final CallContext CONTEXT = CallContext.of(AGENT, "session-1");
    static final Policy POLICY = Policy.builder().name("adversarial").defaultEffect(Effect.DENY)
            .rule(Rule.requireApproval("refunds").sql(SqlCondition.builder().tablesWritten("refunds")))
            .build();
    static final Action REFUND = Sql.insert("refunds").action("INSERT INTO refunds VALUES (?, ?)");
    static final Action OTHER = Sql.insert("refunds").action("INSERT INTO refunds SELECT * FROM refunds");

    static final KeyPair SERVICE = TestKeys.ed25519();
    static final DecisionVerifier VERIFIER = DecisionVerifier.builder().key(SERVICE.getPublic())
            .acceptedAlgorithms("EdDSA").build();

    @TempJournal
    Journal journal;

    private Guard guard(Approver approver) {
        return Guard.builder().policy(POLICY).journal(journal).approver(approver)
                .approvalTimeout(Duration.ofSeconds(5)).build();
    }

    /** A lax approver that checks the signature only (verifySignature is public API), not what it is bound to. */
    private static Approver laxApprover(String requestId, Action action) {
        return request -> {
            String jws = TestKeys.signer(SERVICE).sign(DecisionClaims.of(true,
                    requestId == null ? request.requestId() : requestId,
                    ApprovalRequest.hashOf(action == null ? request.action() : action), "bob@example.com",
                    "looks fine", Instant.now(), Duration.ofMinutes(5)));
            try {
                return CompletableFuture.completedFuture(ApprovalDecision.of(VERIFIER.verifySignature(jws)));
            } catch (RejectedDecisionException e) {
                return CompletableFuture.failedFuture(e);
            }
        };
    }

    @Test
    void anIdentityThatExpiresWhileWaitingForApprovalDoesNotRun() {
        java.util.concurrent.atomic.AtomicReference<Instant> now =
                new java.util.concurrent.atomic.AtomicReference<>(Instant.parse("2026-11-26T09:00:00Z"));
        java.time.Clock clock = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        AgentIdentity shortLived = new AgentIdentity("payments-bot", "alice@example.com", java.util.Set.of("payments"),
                java.util.Set.of(), now.get().plusSeconds(60));
        Approver slowButYes = request -> {
            now.set(now.get().plusSeconds(3600)); // the supervisor answered an hour later
            return CompletableFuture.completedFuture(ApprovalDecision.approve("bob@example.com", "ok", "t-1"));
        };
        Guard guard = Guard.builder().policy(POLICY).journal(journal).approver(slowButYes).clock(clock)
                .approvalTimeout(Duration.ofDays(1)).build();

        ActionRefusedException refused = assertThrows(ActionRefusedException.class,
                () -> guard.check(CallContext.of(shortLived, "session-1"), REFUND));

        assertEquals(Refusal.NO_IDENTITY, refused.refusal());
        assertEquals("the identity of agent payments-bot expired at 2026-11-26T09:01:00Z while the action waited for "
                + "approval", refused.reason());
    }

    @Test
    void anEarlierActorOfTheDelegationChainCannotApprove() {
        AgentIdentity delegated = new AgentIdentity("payments-bot", "alice@example.com", java.util.Set.of("payments"),
                java.util.Set.of(), null, java.util.List.of("Orchestrator"));
        Approver orchestrator = request -> CompletableFuture.completedFuture(
                ApprovalDecision.approve("orchestrator", "my own sub-agent, fine", "t-1"));

        ActionRefusedException refused = assertThrows(ActionRefusedException.class,
                () -> guard(orchestrator).check(CallContext.of(delegated, "session-1"), REFUND));

        assertEquals(Refusal.APPROVAL_DENIED, refused.refusal());
        assertTrue(refused.getMessage().contains("\"orchestrator\" delegated this work to the agent"), refused.getMessage());
    }

    @Test
    void aSignedDecisionForAnotherRequestIsRefusedByTheGuardItself() {
        ActionRefusedException refused = assertThrows(ActionRefusedException.class,
                () -> guard(laxApprover("apr-some-earlier-request", null)).check(CONTEXT, REFUND));
        assertEquals(Refusal.APPROVAL_DENIED, refused.refusal());
        assertTrue(refused.getMessage().contains("another request"), refused.getMessage());
    }

    @Test
    void aSignedGrantForAnotherActionIsRefusedByTheGuardItself() {
        ActionRefusedException refused = assertThrows(ActionRefusedException.class,
                () -> guard(laxApprover(null, OTHER)).check(CONTEXT, REFUND));
        assertEquals(Refusal.APPROVAL_DENIED, refused.refusal());
        assertTrue(refused.getMessage().contains("another action"), refused.getMessage());
    }

    @Test
    void aSignedDecisionBoundToThisRequestAndActionStillPasses() throws Exception {
        guard(laxApprover(null, null)).check(CONTEXT, REFUND).succeeded(java.util.Map.of());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "alice@example.com\u034F",        // COMBINING GRAPHEME JOINER (Mn, default-ignorable)
            "alice@example\uFE0F.com",        // VARIATION SELECTOR-16 (Mn, default-ignorable)
            "\u3164alice@example.com",        // HANGUL FILLER (Lo, default-ignorable, renders blank)
            "payments-bot\u180B",             // MONGOLIAN FREE VARIATION SELECTOR ONE (Mn)
            "payments\u115F-bot",             // HANGUL CHOSEONG FILLER (Lo, default-ignorable)
            "alice@example.com\uDB40\uDC20",  // TAG SPACE U+E0020 (Cf, supplementary: two chars)
            "PAYMENTS\u2060-BOT",             // WORD JOINER (Cf): already refused, kept as a guard
    })
    void selfApprovalDisguisedWithInvisibleCharactersIsRefused(String approver) {
        Approver sneaky = request -> CompletableFuture.completedFuture(
                ApprovalDecision.approve(approver, "it is fine", null));
        ActionRefusedException refused = assertThrows(ActionRefusedException.class,
                () -> guard(sneaky).check(CONTEXT, REFUND));
        assertEquals(Refusal.APPROVAL_DENIED, refused.refusal());
        assertTrue(refused.getMessage().contains("approval needs someone else"), refused.getMessage());
    }

    @Test
    void anApproverThatThrowsAnErrorDoesNotApprove() {
        Approver broken = request -> {
            throw new IllegalStateException("boom");
        };
        assertEquals(Refusal.APPROVAL_DENIED,
                assertThrows(ActionRefusedException.class, () -> guard(broken).check(CONTEXT, REFUND)).refusal());
    }

    @Test
    void anApproverThatNeverAnswersTimesOutClosed() {
        Guard g = Guard.builder().policy(POLICY).journal(journal).approver(request -> new CompletableFuture<>())
                .approvalTimeout(Duration.ofMillis(200)).build();
        assertEquals(Refusal.APPROVAL_TIMED_OUT,
                assertThrows(ActionRefusedException.class, () -> g.check(CONTEXT, REFUND)).refusal());
    }
}

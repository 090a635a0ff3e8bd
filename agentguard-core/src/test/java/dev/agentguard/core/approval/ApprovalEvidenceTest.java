package dev.agentguard.core.approval;

import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.integrity.JournalIntegrityException;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.reader.JournalReader;
import dev.agentguard.core.action.Action;
import dev.agentguard.core.guard.CallContext;
import dev.agentguard.core.guard.Guard;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.policy.Effect;
import dev.agentguard.core.policy.Policy;
import dev.agentguard.core.policy.Rule;
import dev.agentguard.core.policy.Sql;
import dev.agentguard.core.policy.SqlCondition;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Offline checks of the signed decisions a journal holds. */
class ApprovalEvidenceTest {

    static final AgentIdentity AGENT = AgentIdentity.of("payments-bot", "payments");
    static final Action REFUND = Sql.insert("refunds").action("INSERT INTO refunds VALUES (?, ?)");
    static final Policy POLICY = Policy.builder().name("evidence").defaultEffect(Effect.DENY)
            .rule(Rule.requireApproval("refunds").sql(SqlCondition.builder().tablesWritten("refunds")))
            .rule(Rule.requireApproval("sandbox").sql(SqlCondition.builder().tablesWritten("sandbox")).autoApprove(true))
            .build();

    @TempJournal
    Journal journal;

    private final KeyPair service = TestKeys.ed25519();
    private final DecisionSigner signer = TestKeys.signer(service);

    private DecisionVerifier verifier(KeyPair key) {
        return DecisionVerifier.builder().key(key.getPublic()).acceptedAlgorithms("EdDSA").build();
    }

    /** An approver that signs every decision as the service would, and hands over the verified result. */
    private Approver signing(boolean approved) {
        return request -> {
            String token = signer.sign(DecisionClaims.of(approved, request.requestId(), request.actionHash(), "bob",
                    "checked", Instant.now(), Duration.ofMinutes(5)));
            try {
                return CompletableFuture.completedFuture(ApprovalDecision.of(verifier(service).verify(token, request)));
            } catch (RejectedDecisionException e) {
                return CompletableFuture.failedFuture(e);
            }
        };
    }

    private ApprovalEvidence.Summary check(DecisionVerifier verifier) throws Exception {
        try (JournalReader reader = JournalReader.open(journal.directory())) {
            return ApprovalEvidence.verify(reader, verifier);
        }
    }

    @Test
    void signedApprovalsAndRefusalsCheckOutWithTheServicesKey() throws Exception {
        Guard approving = Guard.builder().policy(POLICY).journal(journal).approver(signing(true)).build();
        approving.check(CallContext.of(AGENT, "s-1"), REFUND).succeeded(Map.of());
        Guard refusing = Guard.builder().policy(POLICY).journal(journal).approver(signing(false)).build();
        assertThrows(Exception.class, () -> refusing.check(CallContext.of(AGENT, "s-1"), REFUND));
        approving.check(CallContext.of(AGENT, "s-1"), Sql.insert("sandbox").action("INSERT INTO sandbox VALUES (?)"));

        assertEquals(new ApprovalEvidence.Summary(2, 1), check(verifier(service)));
    }

    @Test
    void aSignatureByAnotherKeyIsAnIntegrityFailureNamingTheEvent() throws Exception {
        Guard guard = Guard.builder().policy(POLICY).journal(journal).approver(signing(true)).build();
        guard.check(CallContext.of(AGENT, "s-1"), REFUND).succeeded(Map.of());
        KeyPair other = TestKeys.ed25519();

        JournalIntegrityException e = assertThrows(JournalIntegrityException.class, () -> check(verifier(other)));

        assertTrue(e.getMessage().matches(".*\\.cq4 entry \\d+: event \\d+ \\([0-9a-f]{12}-\\d+\\): its approval "
                + "signature does not hold: the decision is signed by an unknown key \\(kid \"" + signer.keyId()
                + "\"\\)"), e.getMessage());
    }

    @Test
    void aTokenRecordedAgainstAnotherRequestIsAnIntegrityFailure() throws Exception {
        ApprovalRequest other = ApprovalRequest.of("apr-other", AGENT, REFUND, "refunds", null);
        String token = signer.sign(DecisionClaims.of(true, "apr-other", other.actionHash(), "bob", null, Instant.now(),
                Duration.ofMinutes(5)));
        // What a writer that copied an old approval into a new request's event would leave behind.
        journal.append(EventDraft.of(Phase.APPROVAL, Channel.JDBC).agent("payments-bot").decision(Decision.APPROVED,
                "refunds").approval("apr-new").extension("approver", "bob").extension("action-hash", other.actionHash())
                .extension("approval.jws", token));

        JournalIntegrityException e = assertThrows(JournalIntegrityException.class, () -> check(verifier(service)));

        assertTrue(e.getMessage().endsWith(": the signed decision is for request \"apr-other\", not the event's apr-new"),
                e.getMessage());
    }

    @Test
    void aTokenWhoseDecisionTheEventContradictsIsAnIntegrityFailure() throws Exception {
        ApprovalRequest r = ApprovalRequest.of("apr-1", AGENT, REFUND, "refunds", null);
        String denial = signer.sign(DecisionClaims.of(false, "apr-1", r.actionHash(), "bob", "no", Instant.now(),
                Duration.ofMinutes(5)));
        journal.append(EventDraft.of(Phase.APPROVAL, Channel.JDBC).decision(Decision.APPROVED, "refunds")
                .approval("apr-1").extension("approver", "bob").extension("action-hash", r.actionHash())
                .extension("approval.jws", denial));

        JournalIntegrityException e = assertThrows(JournalIntegrityException.class, () -> check(verifier(service)));

        assertTrue(e.getMessage().endsWith(": the signed decision says denied but the event records APPROVED"),
                e.getMessage());
    }
}

package dev.agentguard.core.approval;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.integrity.JournalIntegrityException;
import dev.agentguard.audit.journal.JournalException;
import dev.agentguard.audit.reader.EventFilter;
import dev.agentguard.audit.reader.JournalReader;

import java.util.Objects;

/**
 * Checks the signed approval decisions a journal holds, offline: every decision event that
 * carries a compact JWS ({@value #JWS}) must be signed by one of the given keys and say what the
 * event says (the request, the action hash, the approver, approved or denied). What
 * {@code agentguard verify --approval-key} runs after the hash chain checked out.
 *
 * <p>Expiry is not checked: a token is checked when it arrives, and is long expired when an
 * assessor reads the journal.
 */
public final class ApprovalEvidence {

    /** Extension of an approval decision event: the compact JWS the decision arrived as. */
    public static final String JWS = "approval.jws";
    /** Extension of approval events: the action hash the request (and its grant) is bound to. */
    public static final String ACTION_HASH = "action-hash";
    /** Extension of approval decision events: who decided. */
    public static final String APPROVER = "approver";
    /** Extension of approval events for a grant: {@code once}, {@code window …}, {@code reused} or {@code expired}. */
    public static final String GRANT = "approval.grant";

    private ApprovalEvidence() {
    }

    /**
     * What the check covered.
     *
     * @param signaturesChecked decision events whose signature and content were checked
     * @param unsignedApprovals approvals without a signature: auto-approvals and unsigned approvers
     */
    public record Summary(long signaturesChecked, long unsignedApprovals) {
    }

    /**
     * Checks every signed decision in {@code reader}'s journal.
     *
     * @throws JournalIntegrityException at the first decision whose signature or content does not
     *                                   hold, naming the event
     * @throws JournalException          when the journal cannot be read
     */
    public static Summary verify(JournalReader reader, DecisionVerifier verifier) throws JournalException {
        Objects.requireNonNull(reader, "reader");
        Objects.requireNonNull(verifier, "verifier");
        long checked = 0;
        long unsigned = 0;
        try (JournalReader.JournalCursor cursor = reader.cursor(EventFilter.all().phase(Phase.APPROVAL))) {
            AuditEvent e;
            while ((e = cursor.next()) != null) {
                String jws = e.extensions().get(JWS);
                if (jws == null) {
                    if (e.decision() == Decision.APPROVED && !"reused".equals(e.extensions().get(GRANT))) {
                        unsigned++;
                    }
                    continue;
                }
                String problem = problem(e, jws, verifier);
                if (problem != null) {
                    throw new JournalIntegrityException(cursor.position(), "event " + e.sequence() + " ("
                            + e.eventId() + "): " + problem);
                }
                checked++;
            }
        }
        return new Summary(checked, unsigned);
    }

    /** What is wrong with the signed decision of {@code e}, or {@code null}. */
    private static String problem(AuditEvent e, String jws, DecisionVerifier verifier) {
        SignedDecision d;
        try {
            d = verifier.verifySignature(jws);
        } catch (RejectedDecisionException x) {
            return "its approval signature does not hold: " + x.getMessage();
        }
        DecisionClaims c = d.claims();
        if (e.decision() != Decision.APPROVED && e.decision() != Decision.DENIED) {
            return "it carries a signed decision but records no approval decision";
        }
        if (c.approved() != (e.decision() == Decision.APPROVED)) {
            return "the signed decision says " + (c.approved() ? "approved" : "denied") + " but the event records "
                    + e.decision();
        }
        if (!c.requestId().equals(e.approvalRef())) {
            return "the signed decision is for request " + DecisionVerifier.shown(c.requestId())
                    + ", not the event's " + e.approvalRef();
        }
        String hash = e.extensions().get(ACTION_HASH);
        if (hash == null || !hash.equals(c.actionHash())) {
            return "the signed decision's grant scope is not the event's action hash";
        }
        if (!c.approver().equals(e.extensions().get(APPROVER))) {
            return "the signed decision is by " + DecisionVerifier.shown(c.approver()) + ", not the event's approver";
        }
        return null;
    }
}

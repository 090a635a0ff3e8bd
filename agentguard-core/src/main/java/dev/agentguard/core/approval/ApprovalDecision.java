package dev.agentguard.core.approval;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * An approver's answer.
 *
 * @param approved       whether the action may run
 * @param approver       who decided (a person's or system's id), never blank; journaled as is,
 *                       since who approved is what an assessor asks first
 * @param groups         the approver's groups, which a rule's {@code approvers} list is checked
 *                       against; empty when the approver vouches for none
 * @param reason         why, as the approver wrote it, or {@code null}; journaled after masking
 * @param reference      a reference to the approval record (a ticket, a signed token's id), or
 *                       {@code null}; journaled as an extension of the decision event
 * @param evidence       the compact JWS the decision arrived as, already verified by the approver,
 *                       or {@code null} for an unsigned decision; journaled so that
 *                       {@code agentguard verify --approval-key} can check it offline
 * @param grantExpiresAt when the grant ends at the latest, or {@code null} when the rule decides
 */
public record ApprovalDecision(boolean approved, String approver, Set<String> groups, String reason, String reference,
                               String evidence, Instant grantExpiresAt) {

    public ApprovalDecision {
        Objects.requireNonNull(approver, "approver");
        if (approver.isBlank()) {
            throw new IllegalArgumentException("approver must name who decided; it is journaled as the approver");
        }
        groups = Collections.unmodifiableSet(new LinkedHashSet<>(groups == null ? Set.of() : groups));
        if (reason != null && reason.isBlank()) {
            reason = null;
        }
        if (reference != null && reference.isBlank()) {
            reference = null;
        }
        if (evidence != null && evidence.isBlank()) {
            evidence = null;
        }
    }

    /** An unsigned decision without groups or grant expiry. */
    public ApprovalDecision(boolean approved, String approver, String reason, String reference) {
        this(approved, approver, Set.of(), reason, reference, null, null);
    }

    /** A grant by {@code approver}. */
    public static ApprovalDecision approve(String approver, String reason, String reference) {
        return new ApprovalDecision(true, approver, reason, reference);
    }

    /** A refusal by {@code approver}. */
    public static ApprovalDecision deny(String approver, String reason, String reference) {
        return new ApprovalDecision(false, approver, reason, reference);
    }

    /** The decision a verified signed token carries, with the token as evidence. */
    public static ApprovalDecision of(SignedDecision signed) {
        DecisionClaims c = signed.claims();
        return new ApprovalDecision(c.approved(), c.approver(), c.groups(), c.reason(), c.tokenId(), signed.compact(),
                c.grantExpiresAt());
    }

    /** This decision by a member of {@code groups}, as an unsigned approver vouches for them. */
    public ApprovalDecision withGroups(Set<String> groups) {
        return new ApprovalDecision(approved, approver, groups, reason, reference, evidence, grantExpiresAt);
    }
}

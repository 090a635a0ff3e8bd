package dev.agentguard.core.approval;

import java.util.Objects;

/**
 * An approver's answer.
 *
 * @param approved  whether the action may run
 * @param approver  who decided (a person's or system's id), never blank
 * @param reason    why, as the approver wrote it, or {@code null}; journaled after masking
 * @param reference a reference to the approval record (a ticket, a signed token's id), or
 *                  {@code null}; journaled as the event's approval reference
 */
public record ApprovalDecision(boolean approved, String approver, String reason, String reference) {

    public ApprovalDecision {
        Objects.requireNonNull(approver, "approver");
        if (approver.isBlank()) {
            throw new IllegalArgumentException("approver must name who decided; it is journaled as the approver");
        }
        if (reason != null && reason.isBlank()) {
            reason = null;
        }
        if (reference != null && reference.isBlank()) {
            reference = null;
        }
    }

    /** A grant by {@code approver}. */
    public static ApprovalDecision approve(String approver, String reason, String reference) {
        return new ApprovalDecision(true, approver, reason, reference);
    }

    /** A refusal by {@code approver}. */
    public static ApprovalDecision deny(String approver, String reason, String reference) {
        return new ApprovalDecision(false, approver, reason, reference);
    }
}

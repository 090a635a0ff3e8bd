package dev.agentguard.core.guard;

/** Why the guard refused an action. Every refusal is journaled, and the action never ran. */
public enum Refusal {
    /** A deny rule, or the policy default, refused it. */
    DENIED_BY_POLICY,
    /** An approver refused it, the approver failed, or the rule needed a stated intent and got none. */
    APPROVAL_DENIED,
    /** No approver decided within the approval timeout. */
    APPROVAL_TIMED_OUT,
    /** No verified agent identity was available. */
    NO_IDENTITY,
    /** The intent event could not be journaled, so the action may not run (PCI DSS 10.7). */
    JOURNAL_UNAVAILABLE
}

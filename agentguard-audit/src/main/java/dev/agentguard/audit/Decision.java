package dev.agentguard.audit;

/** What the guard decided about an action. */
public enum Decision {
    /** The action may run as asked. */
    ALLOWED,
    /** The action was refused; it never reached its target. */
    DENIED,
    /** The action waits for a just-in-time approval. */
    APPROVAL_REQUIRED,
    /** An approver granted the action. */
    APPROVED,
    /** The action ran and sensitive values in its result were masked. */
    MASKED,
    /** Written by a newer AgentGuard with a decision this version does not know. */
    UNKNOWN;

    /** The constant named {@code text}, or {@link #UNKNOWN} for a name this version does not know. */
    public static Decision parse(String text) {
        for (Decision d : values()) {
            if (d.name().equals(text)) {
                return d;
            }
        }
        return UNKNOWN;
    }
}

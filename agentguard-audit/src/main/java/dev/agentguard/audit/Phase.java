package dev.agentguard.audit;

/** Where in an action's life an {@link AuditEvent} was written. */
public enum Phase {
    /** Before the action runs: what is about to happen and the decision taken. */
    INTENT,
    /** After the action ran (or failed): outcome, counts and duration. */
    OUTCOME,
    /** An identity was presented, verified, refused or expired. */
    IDENTITY,
    /** An approval was requested, granted, refused or timed out. */
    APPROVAL,
    /** A policy was loaded, changed or could not be evaluated. */
    POLICY,
    /** The journal itself: opened, closed, restarted after a crash, retention sweeps, tool access. */
    SYSTEM,
    /** Written by a newer AgentGuard with a phase this version does not know. */
    UNKNOWN;

    /** The constant named {@code text}, or {@link #UNKNOWN} for a name this version does not know. */
    public static Phase parse(String text) {
        for (Phase p : values()) {
            if (p.name().equals(text)) {
                return p;
            }
        }
        return UNKNOWN;
    }
}

package dev.agentguard.audit;

/** How an action ended (PCI DSS 10.2.2: success or failure). */
public enum Outcome {
    SUCCESS,
    FAILURE,
    /** Written by a newer AgentGuard with an outcome this version does not know. */
    UNKNOWN;

    /** The constant named {@code text}, or {@link #UNKNOWN} for a name this version does not know. */
    public static Outcome parse(String text) {
        for (Outcome o : values()) {
            if (o.name().equals(text)) {
                return o;
            }
        }
        return UNKNOWN;
    }
}

package dev.agentguard.audit;

/** The protocol an action travelled on. */
public enum Channel {
    JDBC,
    HTTP,
    SSH,
    /** Events about the journal itself (open, close, restart, retention). */
    JOURNAL,
    /** Uses of the {@code agentguard} tool, written to an access journal. */
    TOOL,
    /** Written by a newer AgentGuard with a channel this version does not know. */
    UNKNOWN;

    /** The constant named {@code text}, or {@link #UNKNOWN} for a name this version does not know. */
    public static Channel parse(String text) {
        for (Channel c : values()) {
            if (c.name().equals(text)) {
                return c;
            }
        }
        return UNKNOWN;
    }
}

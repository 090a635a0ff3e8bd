package dev.agentguard.audit;

import java.util.Set;

/**
 * The field names of the canonical event encoding, in the order they are written.
 * docs/journal-format.md documents the same table.
 */
public final class FieldNames {
    public static final String ID = "id";
    public static final String SEQUENCE = "seq";
    public static final String TIMESTAMP = "ts";
    public static final String PREVIOUS = "prev";
    public static final String PHASE = "phase";
    public static final String AGENT = "agent";
    public static final String ON_BEHALF_OF = "obo";
    public static final String SESSION = "session";
    public static final String TRACE = "trace";
    public static final String INTENT = "intent";
    public static final String CHANNEL = "channel";
    public static final String RESOURCE = "resource";
    public static final String ACTION = "action";
    public static final String OBJECTS = "objects";
    public static final String DECISION = "decision";
    public static final String RULE = "rule";
    public static final String APPROVAL = "approval";
    public static final String OUTCOME = "outcome";
    public static final String ERROR = "error";
    public static final String COUNTS = "counts";
    public static final String DURATION = "duration";

    private static final Set<String> RESERVED = Set.of(ID, SEQUENCE, TIMESTAMP, PREVIOUS, PHASE, AGENT,
            ON_BEHALF_OF, SESSION, TRACE, INTENT, CHANNEL, RESOURCE, ACTION, OBJECTS, DECISION, RULE,
            APPROVAL, OUTCOME, ERROR, COUNTS, DURATION, "hash", "v");

    private FieldNames() {
    }

    /** True for a name the format defines (extensions may not use it). */
    public static boolean isReserved(String name) {
        return RESERVED.contains(name);
    }
}

package dev.agentguard.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The content of an event that is about to be journaled. The journal adds the event id,
 * sequence number, timestamp and hashes when it appends the draft.
 *
 * <h2>Redaction contract</h2>
 * Every text handed to a draft must already be redacted: SQL with its literals and bind values
 * replaced, URLs without credentials or sensitive query values, commands with secrets removed,
 * error messages scrubbed. The channel adapters in AgentGuard do this with the policy's
 * detectors before they build a draft. As a last line of defence the journal also replaces
 * anything that looks like a card number (13 to 19 Luhn-valid digits) before it writes, and
 * counts each replacement under {@value #SAFETY_NET_COUNT} so that a redaction gap shows up in
 * the journal instead of a card number.
 *
 * <p>A draft is a mutable builder: not thread-safe, but it may be reused once
 * {@code Journal.append} returns.
 */
public final class EventDraft {
    /** The count under which the journal records values its safety net had to mask. */
    public static final String SAFETY_NET_COUNT = "journal.safetyNetMasked";

    /** The longest text a single field accepts, in characters. */
    public static final int MAX_TEXT_LENGTH = 16 * 1024;


    private final Phase phase;
    private final Channel channel;
    private String agentId;
    private String onBehalfOf;
    private String sessionId;
    private String traceId;
    private String intent;
    private String resource;
    private String action;
    private final List<String> objects = new ArrayList<>(4);
    private Decision decision;
    private String ruleId;
    private String approvalRef;
    private Outcome outcome;
    private String error;
    private final Map<String, Long> counts = new TreeMap<>();
    private Duration duration;
    private final Map<String, String> extensions = new TreeMap<>();

    private EventDraft(Phase phase, Channel channel) {
        this.phase = Objects.requireNonNull(phase, "phase");
        this.channel = Objects.requireNonNull(channel, "channel");
        if (phase == Phase.UNKNOWN || channel == Channel.UNKNOWN) {
            throw new IllegalArgumentException("UNKNOWN is for reading events of newer writers; "
                    + "write a known phase and channel");
        }
    }

    /** Starts a draft for an event of {@code phase} on {@code channel}. */
    public static EventDraft of(Phase phase, Channel channel) {
        return new EventDraft(phase, channel);
    }

    /** The verified agent identity. */
    public EventDraft agent(String agentId) {
        this.agentId = text("agent", agentId);
        return this;
    }

    /** The human the agent acts for. */
    public EventDraft onBehalfOf(String user) {
        this.onBehalfOf = text("onBehalfOf", user);
        return this;
    }

    /** The agent session (connection, client or SSH session id). */
    public EventDraft session(String sessionId) {
        this.sessionId = text("session", sessionId);
        return this;
    }

    /** A correlation id shared across channels. */
    public EventDraft trace(String traceId) {
        this.traceId = text("trace", traceId);
        return this;
    }

    /** The agent's stated purpose (redacted). */
    public EventDraft intent(String intent) {
        this.intent = text("intent", intent);
        return this;
    }

    /** The data source name, host or URL authority. */
    public EventDraft resource(String resource) {
        this.resource = text("resource", resource);
        return this;
    }

    /** The redacted action: SQL, method and URL, or command. */
    public EventDraft action(String redactedAction) {
        this.action = text("action", redactedAction);
        return this;
    }

    /** Adds the objects (tables, paths) the action touches. */
    public EventDraft objects(String... names) {
        for (String name : names) {
            objects.add(Objects.requireNonNull(text("objects", name), "objects must not contain null"));
        }
        return this;
    }

    /** Adds the objects (tables, paths) the action touches. */
    public EventDraft objects(List<String> names) {
        for (String name : names) {
            objects.add(Objects.requireNonNull(text("objects", name), "objects must not contain null"));
        }
        return this;
    }

    /** The guard's decision and the rule that made it. */
    public EventDraft decision(Decision decision, String ruleId) {
        if (decision == Decision.UNKNOWN) {
            throw new IllegalArgumentException("decision UNKNOWN is for reading events of newer writers");
        }
        this.decision = decision;
        this.ruleId = text("rule", ruleId);
        return this;
    }

    /** A reference to the signed approval behind the action. */
    public EventDraft approval(String approvalRef) {
        this.approvalRef = text("approval", approvalRef);
        return this;
    }

    /** Success. */
    public EventDraft succeeded() {
        this.outcome = Outcome.SUCCESS;
        this.error = null;
        return this;
    }

    /** Failure with a redacted error text. */
    public EventDraft failed(String redactedError) {
        this.outcome = Outcome.FAILURE;
        this.error = text("error", redactedError);
        return this;
    }

    /** Sets a counter such as {@code rows}, {@code bytes} or {@code masked.cards.pan}. */
    public EventDraft count(String name, long value) {
        counts.put(Objects.requireNonNull(text("count name", name), "count name"), value);
        return this;
    }

    /** How long the action ran. */
    public EventDraft duration(Duration duration) {
        if (duration != null && duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative, got " + duration);
        }
        this.duration = duration;
        return this;
    }

    /**
     * Adds a field this event format does not define. Names are lower case
     * ({@code [a-z][a-z0-9_.-]*}, at most 63 characters) and must not be one of the format's own
     * field names.
     */
    public EventDraft extension(String name, String value) {
        if (!isExtensionName(name) || FieldNames.isReserved(name)) {
            throw new IllegalArgumentException("extension name '" + name + "' is not allowed: use lower-case "
                    + "letters, digits, '.', '_' or '-', start with a letter, and avoid the format's own field names");
        }
        extensions.put(name, Objects.requireNonNull(text("extension " + name, value), "extension value"));
        return this;
    }

    /**
     * {@code [a-z][a-z0-9_.-]{0,62}}, checked by hand: channels add extensions on every guarded
     * action, and a regex matcher would allocate each time.
     */
    private static boolean isExtensionName(String name) {
        if (name == null || name.isEmpty() || name.length() > 63) {
            return false;
        }
        char first = name.charAt(0);
        if (first < 'a' || first > 'z') {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    public Phase phase() { return phase; }
    public Channel channel() { return channel; }
    public String agentId() { return agentId; }
    public String onBehalfOf() { return onBehalfOf; }
    public String sessionId() { return sessionId; }
    public String traceId() { return traceId; }
    public String intent() { return intent; }
    public String resource() { return resource; }
    public String action() { return action; }
    public List<String> objects() { return Collections.unmodifiableList(objects); }
    public Decision decision() { return decision; }
    public String ruleId() { return ruleId; }
    public String approvalRef() { return approvalRef; }
    public Outcome outcome() { return outcome; }
    public String error() { return error; }
    public Map<String, Long> counts() { return Collections.unmodifiableMap(counts); }
    public Duration duration() { return duration; }
    public Map<String, String> extensions() { return Collections.unmodifiableMap(extensions); }

    private static String text(String field, String value) {
        if (value != null && value.length() > MAX_TEXT_LENGTH) {
            throw new IllegalArgumentException(field + " is " + value.length() + " characters; at most "
                    + MAX_TEXT_LENGTH + " fit in one event: shorten or summarise it before journaling");
        }
        return value;
    }
}

package dev.agentguard.audit;

import java.time.Duration;
import java.util.Arrays;
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
 * {@code Journal.append} returns ({@link #clear()} empties it for the next event). A draft that
 * is no longer changed may be appended from several threads at once.
 *
 * <p>A channel adapter builds drafts on every guarded action, so a draft keeps its counts and
 * extensions in small sorted arrays rather than maps, holds its objects as the immutable list it
 * was given, and allocates nothing once reused; the map and list views are built when asked for.
 */
public final class EventDraft {
    /** The count under which the journal records values its safety net had to mask. */
    public static final String SAFETY_NET_COUNT = "journal.safetyNetMasked";

    /** The longest text a single field accepts, in characters. */
    public static final int MAX_TEXT_LENGTH = 16 * 1024;

    private static final String[] NO_NAMES = new String[0];
    private static final long[] NO_COUNTS = new long[0];
    /** {@link #durationNanos} when no duration is set. */
    private static final long NO_DURATION = -1;

    private final Phase phase;
    private final Channel channel;
    private String agentId;
    private String onBehalfOf;
    private String sessionId;
    private String traceId;
    private String intent;
    private String resource;
    private String action;
    /** Always an immutable list, so an encoder may remember its encoding by identity. */
    private List<String> objects = List.of();
    private Decision decision;
    private String ruleId;
    private String approvalRef;
    private Outcome outcome;
    private String error;
    /** Counts sorted by name: the first {@link #countSize} slots are used. */
    private String[] countNames = NO_NAMES;
    private long[] countValues = NO_COUNTS;
    private int countSize;
    private long durationNanos = NO_DURATION;
    /** Extensions sorted by name: the first {@link #extensionSize} slots are used; a null value is a number. */
    private String[] extensionNames = NO_NAMES;
    private String[] extensionValues = NO_NAMES;
    private long[] extensionNumbers = NO_COUNTS;
    private int extensionSize;
    /** Changes with every change to the draft. */
    private long version;

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

    /**
     * Empties every field but the phase and channel, keeping the storage, so that one draft can
     * carry event after event without allocating.
     */
    public EventDraft clear() {
        version++;
        agentId = null;
        onBehalfOf = null;
        sessionId = null;
        traceId = null;
        intent = null;
        resource = null;
        action = null;
        objects = List.of();
        decision = null;
        ruleId = null;
        approvalRef = null;
        outcome = null;
        error = null;
        Arrays.fill(countNames, 0, countSize, null);
        countSize = 0;
        durationNanos = NO_DURATION;
        Arrays.fill(extensionNames, 0, extensionSize, null);
        Arrays.fill(extensionValues, 0, extensionSize, null);
        extensionSize = 0;
        return this;
    }

    /**
     * Empties what an outcome adds — decision and rule, approval, outcome and error, counts,
     * duration and extensions — keeping who acted, where and on what, so that a channel can report
     * outcome after outcome of the same action on one draft.
     */
    public EventDraft clearOutcome() {
        version++;
        decision = null;
        ruleId = null;
        approvalRef = null;
        outcome = null;
        error = null;
        Arrays.fill(countNames, 0, countSize, null);
        countSize = 0;
        durationNanos = NO_DURATION;
        Arrays.fill(extensionNames, 0, extensionSize, null);
        Arrays.fill(extensionValues, 0, extensionSize, null);
        extensionSize = 0;
        return this;
    }

    /** The verified agent identity. */
    public EventDraft agent(String agentId) {
        version++;
        this.agentId = text("agent", agentId);
        return this;
    }

    /** The human the agent acts for. */
    public EventDraft onBehalfOf(String user) {
        version++;
        this.onBehalfOf = text("onBehalfOf", user);
        return this;
    }

    /** The agent session (connection, client or SSH session id). */
    public EventDraft session(String sessionId) {
        version++;
        this.sessionId = text("session", sessionId);
        return this;
    }

    /** A correlation id shared across channels. */
    public EventDraft trace(String traceId) {
        version++;
        this.traceId = text("trace", traceId);
        return this;
    }

    /** The agent's stated purpose (redacted). */
    public EventDraft intent(String intent) {
        version++;
        this.intent = text("intent", intent);
        return this;
    }

    /** The data source name, host or URL authority. */
    public EventDraft resource(String resource) {
        version++;
        this.resource = text("resource", resource);
        return this;
    }

    /** The redacted action: SQL, method and URL, or command. */
    public EventDraft action(String redactedAction) {
        version++;
        this.action = text("action", redactedAction);
        return this;
    }

    /** Adds the objects (tables, paths) the action touches. */
    public EventDraft objects(String... names) {
        return objects(Arrays.asList(names));
    }

    /**
     * Adds the objects (tables, paths) the action touches. An immutable list (from
     * {@code List.of} or {@code List.copyOf}) given to an empty draft is kept as it is.
     */
    public EventDraft objects(List<String> names) {
        version++;
        for (int i = 0; i < names.size(); i++) {
            Objects.requireNonNull(text("objects", names.get(i)), "objects must not contain null");
        }
        if (objects.isEmpty()) {
            objects = List.copyOf(names);
        } else if (!names.isEmpty()) {
            String[] all = new String[objects.size() + names.size()];
            for (int i = 0; i < objects.size(); i++) {
                all[i] = objects.get(i);
            }
            for (int i = 0; i < names.size(); i++) {
                all[objects.size() + i] = names.get(i);
            }
            objects = List.of(all);
        }
        return this;
    }

    /** The guard's decision and the rule that made it. */
    public EventDraft decision(Decision decision, String ruleId) {
        version++;
        if (decision == Decision.UNKNOWN) {
            throw new IllegalArgumentException("decision UNKNOWN is for reading events of newer writers");
        }
        this.decision = decision;
        this.ruleId = text("rule", ruleId);
        return this;
    }

    /** A reference to the signed approval behind the action. */
    public EventDraft approval(String approvalRef) {
        version++;
        this.approvalRef = text("approval", approvalRef);
        return this;
    }

    /** Success. */
    public EventDraft succeeded() {
        version++;
        this.outcome = Outcome.SUCCESS;
        this.error = null;
        return this;
    }

    /** Failure with a redacted error text. */
    public EventDraft failed(String redactedError) {
        version++;
        this.outcome = Outcome.FAILURE;
        this.error = text("error", redactedError);
        return this;
    }

    /** Sets a counter such as {@code rows}, {@code bytes} or {@code masked.cards.pan}. */
    public EventDraft count(String name, long value) {
        version++;
        Objects.requireNonNull(text("count name", name), "count name");
        int at = find(countNames, countSize, name);
        if (at >= 0) {
            countValues[at] = value;
            return this;
        }
        insertCount(-at - 1, name, value);
        return this;
    }

    /** Adds {@code value} to the counter {@code name}, which starts at 0. */
    public EventDraft addCount(String name, long value) {
        version++;
        Objects.requireNonNull(text("count name", name), "count name");
        int at = find(countNames, countSize, name);
        if (at >= 0) {
            countValues[at] += value;
            return this;
        }
        insertCount(-at - 1, name, value);
        return this;
    }

    private void insertCount(int insert, String name, long value) {
        if (countSize == countNames.length) {
            int capacity = Math.max(4, countSize * 2);
            countNames = Arrays.copyOf(countNames, capacity);
            countValues = Arrays.copyOf(countValues, capacity);
        }
        System.arraycopy(countNames, insert, countNames, insert + 1, countSize - insert);
        System.arraycopy(countValues, insert, countValues, insert + 1, countSize - insert);
        countNames[insert] = name;
        countValues[insert] = value;
        countSize++;
    }

    /** How long the action ran. */
    public EventDraft duration(Duration duration) {
        version++;
        if (duration == null) {
            this.durationNanos = NO_DURATION;
            return this;
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative, got " + duration);
        }
        long nanos;
        try {
            nanos = duration.toNanos();
        } catch (ArithmeticException tooLong) {
            nanos = Long.MAX_VALUE;
        }
        this.durationNanos = nanos;
        return this;
    }

    /** How long the action ran, in nanoseconds (0 or more): {@link #duration(Duration)} without the object. */
    public EventDraft durationNanos(long nanos) {
        version++;
        if (nanos < 0) {
            throw new IllegalArgumentException("duration must not be negative, got " + nanos + " ns");
        }
        this.durationNanos = nanos;
        return this;
    }

    /**
     * Adds a field this event format does not define. Names are lower case
     * ({@code [a-z][a-z0-9_.-]*}, at most 63 characters) and must not be one of the format's own
     * field names.
     */
    public EventDraft extension(String name, String value) {
        version++;
        checkExtensionName(name);
        Objects.requireNonNull(text("extension " + name, value), "extension value");
        int at = extensionSlot(name);
        extensionValues[at] = value;
        extensionNumbers[at] = 0;
        return this;
    }

    /**
     * Adds a field this event format does not define whose value is a number, written as its
     * decimal text (exactly as {@code extension(name, Long.toString(value))}, without building
     * the string). Names as for {@link #extension(String, String)}.
     */
    public EventDraft extension(String name, long value) {
        version++;
        checkExtensionName(name);
        int at = extensionSlot(name);
        extensionValues[at] = null;
        extensionNumbers[at] = value;
        return this;
    }

    /**
     * Names that passed {@link #checkExtensionName}, by identity: a channel adds the same constant
     * names on every action. A racy cache of immutable strings: a slot read stale only means the
     * name is checked again.
     */
    private static final String[] CHECKED_EXTENSION_NAMES = new String[32];

    private static void checkExtensionName(String name) {
        int slot = name == null ? 0 : System.identityHashCode(name) & (CHECKED_EXTENSION_NAMES.length - 1);
        if (name != null && CHECKED_EXTENSION_NAMES[slot] == name) {
            return;
        }
        if (!isExtensionName(name) || FieldNames.isReserved(name)) {
            throw new IllegalArgumentException("extension name '" + name + "' is not allowed: use lower-case "
                    + "letters, digits, '.', '_' or '-', start with a letter, and avoid the format's own field names");
        }
        CHECKED_EXTENSION_NAMES[slot] = name;
    }

    /** The slot of extension {@code name}, made (in name order) when it is new. */
    private int extensionSlot(String name) {
        int at = find(extensionNames, extensionSize, name);
        if (at >= 0) {
            return at;
        }
        int insert = -at - 1;
        if (extensionSize == extensionNames.length) {
            int capacity = Math.max(2, extensionSize * 2);
            extensionNames = Arrays.copyOf(extensionNames, capacity);
            extensionValues = Arrays.copyOf(extensionValues, capacity);
            extensionNumbers = Arrays.copyOf(extensionNumbers, capacity);
        }
        System.arraycopy(extensionNames, insert, extensionNames, insert + 1, extensionSize - insert);
        System.arraycopy(extensionValues, insert, extensionValues, insert + 1, extensionSize - insert);
        System.arraycopy(extensionNumbers, insert, extensionNumbers, insert + 1, extensionSize - insert);
        extensionNames[insert] = name;
        extensionSize++;
        return insert;
    }

    /** The slot of {@code name} among the first {@code size} sorted names, or {@code -(insertion point) - 1}. */
    private static int find(String[] names, int size, String name) {
        // Linear: a draft holds a handful of counts, and most are added in name order.
        for (int i = size - 1; i >= 0; i--) {
            int c = names[i].compareTo(name);
            if (c == 0) {
                return i;
            }
            if (c < 0) {
                return -(i + 1) - 1;
            }
        }
        return -1;
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

    /**
     * A number that changes whenever the draft changes: the same draft at the same version holds
     * the same fields, so an encoder may reuse what it wrote for it.
     */
    public long version() { return version; }

    public Phase phase() { return phase; }
    public Channel channel() { return channel; }
    public String agentId() { return agentId; }
    public String onBehalfOf() { return onBehalfOf; }
    public String sessionId() { return sessionId; }
    public String traceId() { return traceId; }
    public String intent() { return intent; }
    public String resource() { return resource; }
    public String action() { return action; }
    /** The objects, as an immutable list. */
    public List<String> objects() { return objects; }
    public Decision decision() { return decision; }
    public String ruleId() { return ruleId; }
    public String approvalRef() { return approvalRef; }
    public Outcome outcome() { return outcome; }
    public String error() { return error; }

    /** The counts by name, sorted: a copy made on each call (see {@link #countSize()} for reading without one). */
    public Map<String, Long> counts() {
        TreeMap<String, Long> m = new TreeMap<>();
        for (int i = 0; i < countSize; i++) {
            m.put(countNames[i], countValues[i]);
        }
        return Collections.unmodifiableMap(m);
    }

    /** How many counts the draft holds; {@link #countName(int)} and {@link #countValue(int)} read them in name order. */
    public int countSize() { return countSize; }

    /** The name of count {@code index} (0 to {@link #countSize()} - 1, in name order). */
    public String countName(int index) {
        Objects.checkIndex(index, countSize);
        return countNames[index];
    }

    /** The value of count {@code index} (0 to {@link #countSize()} - 1, in name order). */
    public long countValue(int index) {
        Objects.checkIndex(index, countSize);
        return countValues[index];
    }

    /** How long the action ran, or null. */
    public Duration duration() {
        return durationNanos == NO_DURATION ? null : Duration.ofNanos(durationNanos);
    }

    /** How long the action ran in nanoseconds, or -1 when not set. */
    public long durationNanos() { return durationNanos; }

    /** The extensions by name, sorted: a copy made on each call (see {@link #extensionSize()} for reading without one). */
    public Map<String, String> extensions() {
        TreeMap<String, String> m = new TreeMap<>();
        for (int i = 0; i < extensionSize; i++) {
            m.put(extensionNames[i], extensionValue(i));
        }
        return Collections.unmodifiableMap(m);
    }

    /** How many extensions the draft holds; {@link #extensionName(int)} and {@link #extensionValue(int)} read them in name order. */
    public int extensionSize() { return extensionSize; }

    /** The name of extension {@code index} (0 to {@link #extensionSize()} - 1, in name order). */
    public String extensionName(int index) {
        Objects.checkIndex(index, extensionSize);
        return extensionNames[index];
    }

    /** The value of extension {@code index} (0 to {@link #extensionSize()} - 1, in name order), as text. */
    public String extensionValue(int index) {
        Objects.checkIndex(index, extensionSize);
        String value = extensionValues[index];
        return value != null ? value : Long.toString(extensionNumbers[index]);
    }

    /** Whether extension {@code index} was given as a number ({@link #extensionNumber(int)}). */
    public boolean extensionIsNumber(int index) {
        Objects.checkIndex(index, extensionSize);
        return extensionValues[index] == null;
    }

    /** The number of extension {@code index}, which {@link #extensionIsNumber(int) is a number}. */
    public long extensionNumber(int index) {
        if (!extensionIsNumber(index)) {
            throw new IllegalStateException("extension " + extensionNames[index] + " is text, not a number");
        }
        return extensionNumbers[index];
    }

    private static String text(String field, String value) {
        if (value != null && value.length() > MAX_TEXT_LENGTH) {
            throw new IllegalArgumentException(field + " is " + value.length() + " characters; at most "
                    + MAX_TEXT_LENGTH + " fit in one event: shorten or summarise it before journaling");
        }
        return value;
    }
}

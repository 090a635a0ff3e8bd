package dev.agentguard.audit;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One journaled event; the same type for every channel (format version {@value #FORMAT_VERSION}).
 *
 * <p>Answers PCI DSS 10.2.2: who ({@link #agentId()} and the human it acts for,
 * {@link #onBehalfOf()}), what ({@link #phase()}, {@link #action()}), when
 * ({@link #timestamp()}, UTC with nanoseconds), success or failure ({@link #outcome()}),
 * origin ({@link #sessionId()}, {@link #traceId()}) and which resource ({@link #resource()},
 * {@link #objects()}).
 *
 * <p>Text fields hold only redacted text: the journal never sees raw SQL literals, bind values,
 * credentials or card numbers (see {@link EventDraft}). Optional text fields are {@code null}
 * when absent.
 *
 * @param formatVersion the encoding version the event was written with
 * @param eventId       globally unique id: the journal id, a dash, the sequence number
 * @param sequence      1 for a journal's first event, then +1 per event
 * @param timestamp     when the journal wrote the event (UTC)
 * @param phase         intent, outcome, identity, approval, policy or system
 * @param agentId       the verified agent identity; never a shared account
 * @param onBehalfOf    the human the agent acts for, if any
 * @param sessionId     the agent session (connection, HTTP client, SSH session)
 * @param traceId       correlation id across channels (for example a W3C trace id)
 * @param intent        the agent's stated purpose
 * @param channel       JDBC, HTTP, SSH, JOURNAL or TOOL
 * @param resource      data source name, host, or URL authority
 * @param action        redacted SQL, method and redacted URL, or redacted command
 * @param objects       tables, paths or other objects the action touches
 * @param decision      the guard's decision, if one was taken
 * @param ruleId        the policy rule behind the decision
 * @param approvalRef   reference to the signed approval, if any
 * @param outcome       success or failure, for outcome events
 * @param error         redacted error text for failures
 * @param counts        rows, bytes, masked values per field, and similar counters
 * @param duration      how long the action ran, for outcome events
 * @param extensions    fields this version does not define, kept as text so that events from a
 *                      newer writer are shown in full by older readers; a phase, channel,
 *                      decision or outcome value this version does not know appears here under
 *                      its field name ({@code decision=QUARANTINED}) next to {@code UNKNOWN}
 * @param previousHash  the hash of the event before this one ({@link Hash#ZERO} for the first)
 * @param hash          SHA-256 over this event's canonical encoding, which includes
 *                      {@code previousHash}
 */
public record AuditEvent(
        int formatVersion,
        String eventId,
        long sequence,
        Instant timestamp,
        Phase phase,
        String agentId,
        String onBehalfOf,
        String sessionId,
        String traceId,
        String intent,
        Channel channel,
        String resource,
        String action,
        List<String> objects,
        Decision decision,
        String ruleId,
        String approvalRef,
        Outcome outcome,
        String error,
        Map<String, Long> counts,
        Duration duration,
        Map<String, String> extensions,
        Hash previousHash,
        Hash hash) {

    /** The event format this version writes. */
    public static final int FORMAT_VERSION = 2;

    /**
     * The extension by which an OUTCOME event names its INTENT event: the intent's sequence
     * number, in decimal.
     */
    public static final String INTENT_SEQUENCE = "intent-seq";

    /** Validates the mandatory fields and copies the collections. */
    public AuditEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(previousHash, "previousHash");
        Objects.requireNonNull(hash, "hash");
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence starts at 1, got " + sequence);
        }
        objects = objects == null ? List.of() : List.copyOf(objects);
        counts = counts == null ? Map.of() : Map.copyOf(counts);
        extensions = extensions == null ? Map.of() : Map.copyOf(extensions);
    }

    /** The count named {@code name}, if the event carries one. */
    public Optional<Long> count(String name) {
        return Optional.ofNullable(counts.get(name));
    }

    /** The decision, or empty when the event records no decision. */
    public Optional<Decision> decisionIfAny() {
        return Optional.ofNullable(decision);
    }

    /** The sequence number of the intent event this event names ({@value #INTENT_SEQUENCE}), if any. */
    public OptionalLong intentSequence() {
        String seq = extensions.get(INTENT_SEQUENCE);
        if (seq == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(seq));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * This event with the fields an outcome shares with its intent event — the person acted
     * for, trace, resource, action, objects, rule and approval — taken from {@code intent} where
     * this event has none. An OUTCOME event is journaled without them (its {@value #INTENT_SEQUENCE}
     * names the intent that holds them); readers show it whole. Identity, hashes and every field
     * it has stay as they are.
     */
    public AuditEvent withSharedFieldsOf(AuditEvent intent) {
        Objects.requireNonNull(intent, "intent");
        return new AuditEvent(formatVersion, eventId, sequence, timestamp, phase, agentId,
                onBehalfOf != null ? onBehalfOf : intent.onBehalfOf(),
                sessionId,
                traceId != null ? traceId : intent.traceId(),
                intent(),
                channel,
                resource != null ? resource : intent.resource(),
                action != null ? action : intent.action(),
                objects.isEmpty() ? intent.objects() : objects,
                decision,
                ruleId != null ? ruleId : intent.ruleId(),
                approvalRef != null ? approvalRef : intent.approvalRef(),
                outcome, error, counts, duration, extensions, previousHash, hash);
    }
}

package dev.agentguard.ship.kafka;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;

/**
 * What a shipped Kafka record looks like; the names are API for SIEM connectors and for
 * {@code agentguard verify --kafka}.
 *
 * <p>On the events topic, key = the shipper's agent id (so one agent's records stay in order on
 * one partition), value = UTF-8 text:
 * <ul>
 *   <li>an <b>event</b>: the same JSON object as one line of {@code agentguard export --format jsonl};</li>
 *   <li>a <b>checkpoint</b>: the signed checkpoint line, exactly as in {@code checkpoints.log}.</li>
 * </ul>
 * Headers: {@value #TYPE} ({@value #TYPE_EVENT} or {@value #TYPE_CHECKPOINT}), {@value #JOURNAL},
 * {@value #SEQUENCE} (decimal), {@value #HASH} (64 hex digits) and, on events, {@value #ENTRY}:
 * the event's stored bytes (canonical encoding followed by its SHA-256, docs/journal-format.md),
 * from which a verifier recomputes the hash and checks that the JSON says the same.
 *
 * <p>On the checkpoints topic (compacted), key = the journal id, value = the checkpoint line:
 * the newest checkpoint of every journal, the head of its chain, stays off the host.
 */
public final class KafkaRecords {
    /** Header: {@value #TYPE_EVENT} or {@value #TYPE_CHECKPOINT}. */
    public static final String TYPE = "agentguard.type";
    /** Header: the journal id. */
    public static final String JOURNAL = "agentguard.journal";
    /** Header: the event's sequence number, or the sequence number a checkpoint names. */
    public static final String SEQUENCE = "agentguard.sequence";
    /** Header: the event's hash, or the hash a checkpoint names, in hex. */
    public static final String HASH = "agentguard.hash";
    /** Header on events: the stored entry (canonical encoding + SHA-256). */
    public static final String ENTRY = "agentguard.entry";
    /** {@value #TYPE} of an event record. */
    public static final String TYPE_EVENT = "event";
    /** {@value #TYPE} of a checkpoint record. */
    public static final String TYPE_CHECKPOINT = "checkpoint";

    private KafkaRecords() {
    }

    /** The last header named {@code name} as UTF-8 text, or {@code null}. */
    public static String text(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The last header named {@code name} as bytes, or {@code null}. */
    public static byte[] bytes(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null ? null : h.value();
    }
}

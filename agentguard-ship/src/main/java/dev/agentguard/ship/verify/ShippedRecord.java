package dev.agentguard.ship.verify;

import dev.agentguard.ship.kafka.KafkaRecords;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;

/**
 * One record read back from a topic, with its AgentGuard headers, independent of the Kafka
 * client types so the chain checks can be tested on records made by hand.
 *
 * @param position {@code topic-partition@offset}
 * @param key      the record key as text, or {@code null}
 * @param type     {@code event}, {@code checkpoint}, or {@code null} when the header is missing
 * @param journal  the journal id header
 * @param sequence the sequence header
 * @param hash     the hash header
 * @param entry    the stored-entry header of an event
 * @param value    the record value
 */
record ShippedRecord(String position, String key, String type, String journal, String sequence, String hash,
                     byte[] entry, byte[] value) {

    static ShippedRecord of(ConsumerRecord<byte[], byte[]> r) {
        return new ShippedRecord(r.topic() + "-" + r.partition() + "@" + r.offset(),
                r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
                KafkaRecords.text(r.headers(), KafkaRecords.TYPE),
                KafkaRecords.text(r.headers(), KafkaRecords.JOURNAL),
                KafkaRecords.text(r.headers(), KafkaRecords.SEQUENCE),
                KafkaRecords.text(r.headers(), KafkaRecords.HASH),
                KafkaRecords.bytes(r.headers(), KafkaRecords.ENTRY),
                r.value() == null ? new byte[0] : r.value());
    }

    String valueText() {
        return new String(value, StandardCharsets.UTF_8);
    }
}

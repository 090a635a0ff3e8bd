package dev.agentguard.ship.testing;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.json.EventJson;
import dev.agentguard.ship.kafka.KafkaRecords;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a journal must look like once shipped to a topic. */
public final class ShippedEvents {
    private ShippedEvents() {
    }

    /**
     * Every event of the journal is on the topic (read committed) with its JSON and hash, and
     * none comes before the event preceding it; with {@code once}, each exactly once.
     */
    public static void assertEveryEvent(Path journal, String bootstrap, String topic, boolean once) throws Exception {
        List<AuditEvent> events = TestJournals.events(journal);
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readAll(bootstrap, topic, true).stream()
                .filter(r -> KafkaRecords.TYPE_EVENT.equals(KafkaRecords.text(r.headers(), KafkaRecords.TYPE))).toList();
        if (once) {
            assertEquals(events.size(), records.size(), "exactly once: no event twice, none missing");
        }
        Set<Long> seen = new HashSet<>();
        long highest = 0;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            long seq = Long.parseLong(KafkaRecords.text(r.headers(), KafkaRecords.SEQUENCE));
            assertTrue(seq <= highest + 1, "event " + seq + " overtook event " + (highest + 1) + " at offset " + r.offset());
            highest = Math.max(highest, seq);
            AuditEvent e = events.get((int) seq - 1);
            assertEquals(e.hash().toHex(), KafkaRecords.text(r.headers(), KafkaRecords.HASH), "hash of event " + seq);
            assertEquals(EventJson.toJson(e), new String(r.value(), StandardCharsets.UTF_8), "JSON of event " + seq);
            seen.add(seq);
        }
        assertEquals(events.size(), seen.size(), "every event arrived");
    }
}

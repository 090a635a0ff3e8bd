package dev.agentguard.ship.kafka;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Hash;
import dev.agentguard.audit.integrity.CheckpointLog;
import dev.agentguard.audit.internal.EventCodec;
import dev.agentguard.audit.json.EventJson;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.ship.ShipCursor;
import dev.agentguard.ship.ShipPosition;
import dev.agentguard.ship.Shipper;
import dev.agentguard.ship.ShippingException;
import dev.agentguard.ship.testing.SharedKafka;
import dev.agentguard.ship.testing.ShippedEvents;
import dev.agentguard.ship.testing.TestJournals;
import dev.agentguard.ship.testing.TopicReader;
import dev.agentguard.ship.testing.WatchedTarget;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaTargetTest {
    /** Generous for a loaded machine: room for a batch that times out and is sent again. */
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static String bootstrap;

    @TempDir
    Path dir;

    @BeforeAll
    static void broker() throws Exception {
        bootstrap = SharedKafka.bootstrap();
    }

    private static String topic() {
        return "events-" + UUID.randomUUID();
    }

    private static KafkaTarget.Builder target(String topic) {
        return KafkaTarget.builder(bootstrap).topic(topic).agentId("payments-agent").createTopics(3, (short) 1);
    }

    @Test
    void shipsEveryEventAsExportJsonKeyedByAgentWithHashAndSequenceHeaders() throws Exception {
        Path journal = dir.resolve("journal");
        TestJournals.write(journal, "payments-agent", 2_000, 500);
        String topic = topic();
        try (KafkaTarget kafka = target(topic).build()) {
            Shipper.builder(journal).target(kafka).registerMBean(false).maxBatchEvents(700).shipAvailable(WAIT);
        }
        List<AuditEvent> events = TestJournals.events(journal);
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readAll(bootstrap, topic, true);
        List<ConsumerRecord<byte[], byte[]>> eventRecords = new ArrayList<>();
        List<String> checkpointLines = new ArrayList<>();
        Set<Integer> partitions = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            partitions.add(r.partition());
            assertEquals("payments-agent", new String(r.key(), StandardCharsets.UTF_8));
            String type = KafkaRecords.text(r.headers(), KafkaRecords.TYPE);
            if (KafkaRecords.TYPE_EVENT.equals(type)) {
                eventRecords.add(r);
            } else {
                assertEquals(KafkaRecords.TYPE_CHECKPOINT, type);
                checkpointLines.add(new String(r.value(), StandardCharsets.US_ASCII));
            }
        }
        assertEquals(1, partitions.size(), "one agent's records stay on one partition");
        assertEquals(events.size(), eventRecords.size());
        for (int i = 0; i < events.size(); i++) {
            AuditEvent e = events.get(i);
            ConsumerRecord<byte[], byte[]> r = eventRecords.get(i);
            assertEquals(EventJson.toJson(e), new String(r.value(), StandardCharsets.UTF_8), "same JSON as export");
            assertEquals(Long.toString(e.sequence()), KafkaRecords.text(r.headers(), KafkaRecords.SEQUENCE));
            assertEquals(e.hash().toHex(), KafkaRecords.text(r.headers(), KafkaRecords.HASH));
            assertEquals(e.eventId().substring(0, 12), KafkaRecords.text(r.headers(), KafkaRecords.JOURNAL));
            byte[] entry = KafkaRecords.bytes(r.headers(), KafkaRecords.ENTRY);
            assertEquals(e, EventCodec.decode(entry, entry.length), "the entry header holds the stored event");
        }
        List<String> logLines = CheckpointLog.read(journal.resolve(CheckpointLog.FILE_NAME)).lines().stream()
                .map(l -> l.checkpoint().toLine()).toList();
        assertEquals(5, logLines.size());
        assertEquals(logLines, checkpointLines, "every signed checkpoint follows on the agent's partition");
        List<String> compacted = TopicReader.readAll(bootstrap, topic + ".checkpoints", true).stream()
                .map(r -> new String(r.value(), StandardCharsets.US_ASCII)).toList();
        assertEquals(logLines, compacted, "and on the checkpoints topic");
        // Each checkpoint comes after the event it names.
        int cp = 0;
        long shippedSeq = 0;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            long seq = Long.parseLong(KafkaRecords.text(r.headers(), KafkaRecords.SEQUENCE));
            if (KafkaRecords.TYPE_EVENT.equals(KafkaRecords.text(r.headers(), KafkaRecords.TYPE))) {
                shippedSeq = seq;
            } else {
                assertTrue(seq <= shippedSeq, "checkpoint " + cp + " names event " + seq + " before it was shipped");
                cp++;
            }
        }
    }

    @Test
    void exactlyOnceReadsBackTransactionsCommittedAfterTheCursorAndSendsNoDuplicate() throws Exception {
        Path journal = dir.resolve("journal");
        String topic = topic();
        Path saved = dir.resolve("early.cursor");
        try (Journal j = TestJournals.journal(journal, 1000).open()) {
            TestJournals.append(j, "payments-agent", 1_000);
            try (KafkaTarget kafka = target(topic).exactlyOnce().build()) {
                Shipper.builder(journal).target(kafka).registerMBean(false).shipAvailable(WAIT);
                Files.copy(ShipCursor.fileFor(journal, kafka.name()), saved);
            }
            TestJournals.append(j, "payments-agent", 2_000);
        }
        String name;
        try (KafkaTarget kafka = target(topic).exactlyOnce().build()) {
            name = kafka.name();
            Shipper.builder(journal).target(kafka).registerMBean(false).maxBatchEvents(400).shipAvailable(WAIT);
        }
        // A crash between a commit and the cursor write leaves the cursor behind what Kafka holds.
        Files.copy(saved, ShipCursor.fileFor(journal, name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ShipPosition resumed;
        try (KafkaTarget kafka = target(topic).exactlyOnce().build()) {
            resumed = Shipper.builder(journal).target(kafka).registerMBean(false).shipAvailable(WAIT);
        }
        long last = TestJournals.events(journal).size();
        assertEquals(last, resumed.sequence());
        List<Long> seqs = eventSequences(TopicReader.readAll(bootstrap, topic, true));
        assertEquals(last, seqs.size(), "no event twice, none missing");
        for (int i = 0; i < seqs.size(); i++) {
            assertEquals(i + 1, seqs.get(i));
        }
    }

    @Test
    void atLeastOnceResendsFromAnOldCursorWithTheSameIdsAndHashes() throws Exception {
        Path journal = dir.resolve("journal");
        String topic = topic();
        TestJournals.write(journal, "payments-agent", 500, 1000);
        String name;
        try (KafkaTarget kafka = target(topic).build()) {
            name = kafka.name();
            Shipper.builder(journal).target(kafka).registerMBean(false).shipAvailable(WAIT);
        }
        Files.delete(ShipCursor.fileFor(journal, name));
        try (KafkaTarget kafka = target(topic).build()) {
            Shipper.builder(journal).target(kafka).registerMBean(false).shipAvailable(WAIT);
        }
        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readAll(bootstrap, topic, true).stream()
                .filter(r -> KafkaRecords.TYPE_EVENT.equals(KafkaRecords.text(r.headers(), KafkaRecords.TYPE))).toList();
        assertEquals(2 * 502, records.size());
        for (int i = 0; i < 502; i++) {
            assertArrayEquals(records.get(i).value(), records.get(i + 502).value(), "a duplicate is the same event");
        }
    }

    @Test
    void aForgedReadBackRecordDoesNotMakeTheShipperSkipEvents() throws Exception {
        Path journal = dir.resolve("journal");
        String topic = topic();
        String journalId;
        try (Journal j = TestJournals.journal(journal, 1000).open()) {
            journalId = j.journalId();
            TestJournals.append(j, "payments-agent", 100);
            try (KafkaTarget kafka = target(topic).exactlyOnce().build()) {
                Shipper.builder(journal).target(kafka).registerMBean(false).shipAvailable(WAIT);
            }
            TestJournals.append(j, "payments-agent", 100);
        }
        // Someone with write access to the topic claims the journal was shipped far ahead.
        try (KafkaProducer<byte[], byte[]> forger = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int p = 0; p < 3; p++) {
                RecordHeaders h = new RecordHeaders();
                h.add(new RecordHeader(KafkaRecords.TYPE, "event".getBytes(StandardCharsets.UTF_8)));
                h.add(new RecordHeader(KafkaRecords.JOURNAL, journalId.getBytes(StandardCharsets.UTF_8)));
                h.add(new RecordHeader(KafkaRecords.SEQUENCE, "150".getBytes(StandardCharsets.UTF_8)));
                h.add(new RecordHeader(KafkaRecords.HASH, Hash.ZERO.toHex().getBytes(StandardCharsets.UTF_8)));
                forger.send(new ProducerRecord<>(topic, p, null, "payments-agent".getBytes(StandardCharsets.UTF_8),
                        "{}".getBytes(StandardCharsets.UTF_8), h)).get();
            }
        }
        try (KafkaTarget kafka = target(topic).exactlyOnce().build()) {
            ShipPosition p = Shipper.builder(journal).target(kafka).registerMBean(false).shipAvailable(WAIT);
            assertEquals(TestJournals.events(journal).size(), p.sequence());
        }
        List<Long> seqs = eventSequences(TopicReader.readAll(bootstrap, topic, true).stream()
                .filter(r -> r.value().length > 2).toList());
        assertEquals(TestJournals.events(journal).size(), seqs.size());
        assertFalse(seqs.isEmpty());
        for (int i = 0; i < seqs.size(); i++) {
            assertEquals(i + 1, seqs.get(i), "events 103 to 150 were shipped despite the forged claim");
        }
    }

    @Test
    void refusesSettingsThatWouldWeakenDelivery() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KafkaTarget.builder(bootstrap).property("acks", "1"));
        assertEquals("Kafka setting 'acks' is fixed by the shipper (lossless, ordered delivery); leave it out", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KafkaTarget.builder(bootstrap).property("enable.idempotence", "false"));
        assertThrows(IllegalArgumentException.class, () -> KafkaTarget.builder(bootstrap).property("transactional.id", "x"));
        assertThrows(IllegalStateException.class, () -> KafkaTarget.builder(bootstrap).build());
    }

    @Test
    void aFencedProducerIsReplacedAndEveryEventArrivesExactlyOnce() throws Exception {
        Path journal = dir.resolve("journal");
        TestJournals.write(journal, "payments-agent", 1_000, 300);
        String topic = topic();
        KafkaTarget exactlyOnce = target(topic).exactlyOnce().build();
        WatchedTarget kafka = new WatchedTarget(exactlyOnce).interfereBeforeSend(2, batch -> {
            // Another producer takes the shipper's transactional id: the shipper's producer is
            // fenced for good, and every send on it fails from now on.
            try (KafkaProducer<byte[], byte[]> intruder = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, exactlyOnce.transactionalId(batch.start().journalId())),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                intruder.initTransactions();
            }
        });
        try (kafka) {
            ShipPosition p = Shipper.builder(journal).target(kafka).registerMBean(false).maxBatchEvents(400)
                    .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)).shipAvailable(WAIT);
            assertEquals(1_002, p.sequence());
        }
        List<String> failures = kafka.failures();
        assertFalse(failures.isEmpty(), "the fenced producer's batch failed");
        assertTrue(failures.get(0).startsWith("Kafka did not acknowledge events 401 to 800 ("), failures.get(0));
        assertTrue(kafka.connects() >= 2, "connected again after the failure: " + kafka.connects());
        ShippedEvents.assertEveryEvent(journal, bootstrap, topic, true);
    }

    @Test
    void namesAMissingTopicWhenItIsNotToCreateIt() throws Exception {
        String topic = topic();
        try (KafkaTarget kafka = KafkaTarget.builder(bootstrap).topic(topic).build()) {
            ShippingException e = assertThrows(ShippingException.class,
                    () -> kafka.connect(ShipPosition.start("0123456789ab")));
            assertEquals("Kafka topic " + topic + " does not exist: create it, or have the shipper create missing "
                    + "topics (createTopics)", e.getMessage());
        }
    }

    static List<Long> eventSequences(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream()
                .filter(r -> KafkaRecords.TYPE_EVENT.equals(KafkaRecords.text(r.headers(), KafkaRecords.TYPE)))
                .map(r -> Long.parseLong(KafkaRecords.text(r.headers(), KafkaRecords.SEQUENCE))).toList();
    }

}

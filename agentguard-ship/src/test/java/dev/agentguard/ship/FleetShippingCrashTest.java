package dev.agentguard.ship;

import dev.agentguard.audit.journal.Journal;
import dev.agentguard.ship.kafka.KafkaRecords;
import dev.agentguard.ship.kafka.KafkaTarget;
import dev.agentguard.ship.testing.ChildJvm;
import dev.agentguard.ship.testing.KafkaBroker;
import dev.agentguard.ship.testing.ShippedEvents;
import dev.agentguard.ship.testing.ShipperProcess;
import dev.agentguard.ship.testing.TestJournals;
import dev.agentguard.ship.testing.TopicReader;
import dev.agentguard.ship.testing.WatchedTarget;
import dev.agentguard.ship.verify.CentralReport;
import dev.agentguard.ship.verify.CentralVerifier;
import dev.agentguard.ship.verify.ChainReport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The issue's acceptance run, against a real Kafka broker: 100,000 events shipped while the
 * broker is SIGKILLed and restarted and the shipper is SIGKILLed and restarted, in each
 * delivery mode; nothing lost, nothing duplicated in exactly-once mode, per-agent order kept,
 * central verification passes — and names a record forged into the topic afterwards. And a
 * batch the broker never acknowledges fails within the target's timeout and is shipped again by
 * a new producer once the broker is back.
 */
class FleetShippingCrashTest {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    static Path brokerDir;

    @TempDir
    Path dir;

    private static KafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.start(brokerDir.resolve("kafka"));
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void atLeastOnceLosesNothingWhenTheBrokerAndTheShipperAreKilled() throws Exception {
        shipThroughCrashes("at-least-once");
    }

    @Test
    void exactlyOnceLosesAndDuplicatesNothingWhenTheBrokerAndTheShipperAreKilled() throws Exception {
        shipThroughCrashes("exactly-once");
    }

    @Test
    void aBatchTheBrokerNeverAcknowledgesFailsInTimeAndANewProducerShipsItOnceTheBrokerIsBack() throws Exception {
        Path journalDir = dir.resolve("journal");
        TestJournals.write(journalDir, "payments-agent", 1_000, 500);
        String topic = "outage";
        WatchedTarget kafka = new WatchedTarget(KafkaTarget.builder(broker.bootstrap()).topic(topic)
                .agentId("payments-agent").createTopics(3, (short) 1).timeout(Duration.ofSeconds(5))
                // The producer alone would retry the batch for ten minutes.
                .property(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000).build())
                .interfereBeforeSend(1, batch -> broker.kill());
        Shipper shipper = Shipper.builder(journalDir).target(kafka).registerMBean(false)
                .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)).start();
        try {
            assertEquals("Kafka did not acknowledge events 1 to 1002 within 5000 ms; a new producer sends them again",
                    kafka.awaitFirstFailure(Duration.ofSeconds(60)));
            broker.restart();
            assertTrue(shipper.awaitAcknowledged(1_002, WAIT), () -> shipper.lag().toString());
        } finally {
            shipper.close();
            if (!broker.isAlive()) {
                broker.restart();
            }
        }
        assertTrue(kafka.connects() >= 2, "connected again after the failure: " + kafka.connects());
        ShippedEvents.assertEveryEvent(journalDir, broker.bootstrap(), topic, false);
    }

    private void shipThroughCrashes(String mode) throws Exception {
        boolean exactlyOnce = mode.equals("exactly-once");
        String topic = "fleet-" + mode;
        String target = "kafka-" + topic;
        Path journalDir = dir.resolve("journal");
        Journal journal = TestJournals.journal(journalDir, 1000).open();
        long finalSequence;
        try {
            TestJournals.append(journal, "payments-agent", 50_000);
            ChildJvm shipper = startShipper(journalDir, topic, mode);
            try {
                awaitAcked(shipper, 5_000);
                broker.kill();
                // The agent keeps working while the broker is down; its journal absorbs the lag.
                TestJournals.append(journal, "payments-agent", 30_000);
                ShippingLag lag = ShippingLag.ofCursor(journalDir, journalDir, target, Clock.systemUTC());
                assertTrue(lag.eventsBehind() >= 30_000, lag.toString());
                assertTrue(lag.timeBehind().compareTo(Duration.ZERO) > 0, lag.toString());
                broker.restart();
                awaitAcked(shipper, 60_000);
                TestJournals.append(journal, "payments-agent", 20_000);
            } finally {
                shipper.kill();
            }
            long atKill = ShipCursor.in(journalDir, target).read().orElseThrow().sequence();
            assertTrue(atKill < journal.lastSequence(), "the shipper was killed mid-stream, at event " + atKill);
        } finally {
            journal.close();
        }
        finalSequence = TestJournals.events(journalDir).size();
        assertEquals(100_002, finalSequence);
        try (ChildJvm again = startShipper(journalDir, topic, mode)) {
            awaitAcked(again, finalSequence);
        }

        List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readAll(broker.bootstrap(), topic, true);
        List<ConsumerRecord<byte[], byte[]>> events = new ArrayList<>();
        long highest = 0;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (!KafkaRecords.TYPE_EVENT.equals(KafkaRecords.text(r.headers(), KafkaRecords.TYPE))) {
                continue;
            }
            events.add(r);
            long seq = Long.parseLong(KafkaRecords.text(r.headers(), KafkaRecords.SEQUENCE));
            assertTrue(seq <= highest + 1, "event " + seq + " overtook event " + (highest + 1) + " at offset " + r.offset());
            highest = Math.max(highest, seq);
        }
        assertEquals(finalSequence, highest);
        if (exactlyOnce) {
            assertEquals(finalSequence, events.size(), "exactly once: no event twice");
        }

        CentralReport report = CentralVerifier.builder(broker.bootstrap()).topic(topic)
                .publicKey(TestJournals.KEYS.getPublic()).build().verify();
        assertTrue(report.intact(), () -> report.firstBrokenChain().toString() + " " + report.stray());
        assertEquals(1, report.chains().size());
        ChainReport chain = report.chains().get(0);
        assertEquals("payments-agent", chain.agent());
        assertEquals(finalSequence, chain.events());
        assertEquals(1, chain.firstSequence());
        assertEquals(finalSequence, chain.lastSequence());
        assertTrue(chain.gaps().isEmpty());
        assertEquals(events.size() - finalSequence, chain.duplicatesDropped());
        if (exactlyOnce) {
            assertEquals(0, chain.duplicatesDropped());
        }
        assertTrue(chain.checkpointsChecked() >= 100, "checkpoints checked: " + chain.checkpointsChecked());
        assertEquals(finalSequence, chain.lastCheckpoint(), "the close checkpoint, the chain's head, is off the host");

        // Someone with write access to the topic forges one event.
        ConsumerRecord<byte[], byte[]> genuine = events.get(776);
        String forgedJson = new String(genuine.value(), StandardCharsets.UTF_8)
                .replace("FROM orders WHERE", "FROM refunds WHERE");
        assertFalse(forgedJson.equals(new String(genuine.value(), StandardCharsets.UTF_8)));
        RecordMetadata forged;
        try (KafkaProducer<byte[], byte[]> forger = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrap()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            forged = forger.send(new ProducerRecord<>(topic, genuine.partition(), null, genuine.key(),
                    forgedJson.getBytes(StandardCharsets.UTF_8), genuine.headers())).get();
        }
        CentralReport tampered = CentralVerifier.builder(broker.bootstrap()).topic(topic)
                .publicKey(TestJournals.KEYS.getPublic()).build().verify();
        assertFalse(tampered.intact());
        ChainReport bad = tampered.firstBrokenChain().orElseThrow();
        String seq = KafkaRecords.text(genuine.headers(), KafkaRecords.SEQUENCE);
        assertEquals(topic + "-" + forged.partition() + "@" + forged.offset(), bad.failurePosition());
        assertTrue(bad.failure().startsWith("event " + seq + " ("), bad.failure());
        assertTrue(bad.failure().contains("the record's JSON does not say what the hashed event says"), bad.failure());
        Files.writeString(dir.resolve("done"), mode);
    }

    private static ChildJvm startShipper(Path journalDir, String topic, String mode) throws Exception {
        List<String> jvm = new ArrayList<>(ChildJvm.journalFlags());
        jvm.add("-Xmx256m");
        return ChildJvm.start("shipper", ShipperProcess.class.getName(), jvm, journalDir.toString(), broker.bootstrap(),
                topic, mode, "payments-agent");
    }

    private static void awaitAcked(ChildJvm shipper, long sequence) throws InterruptedException {
        shipper.awaitLine(0, l -> l.startsWith("ACKED ") && Long.parseLong(l.substring(6)) >= sequence, WAIT);
    }
}

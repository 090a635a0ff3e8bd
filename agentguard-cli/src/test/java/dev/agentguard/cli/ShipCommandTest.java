package dev.agentguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentguard.audit.integrity.CheckpointSigner;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.ship.ShipCursor;
import dev.agentguard.ship.kafka.KafkaRecords;
import dev.agentguard.ship.testing.SharedKafka;
import dev.agentguard.ship.testing.SyslogReceiver;
import dev.agentguard.ship.testing.TlsFiles;
import dev.agentguard.ship.testing.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code agentguard ship} and {@code agentguard verify --kafka} against a real loopback Kafka broker. */
class ShipCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static String bootstrap;

    @TempDir
    Path tmp;

    @BeforeAll
    static void broker() throws Exception {
        bootstrap = SharedKafka.bootstrap();
    }

    private Path journal(int events) throws Exception {
        Path dir = tmp.resolve("journal");
        dev.agentguard.ship.testing.TestJournals.write(dir, "payments-agent", events, 100);
        return dir;
    }

    private Path publicKey() throws Exception {
        Path pub = tmp.resolve("checkpoint.pub");
        Files.writeString(pub, CheckpointSigner.publicKeyPem(dev.agentguard.ship.testing.TestJournals.KEYS.getPublic()));
        return pub;
    }

    @Test
    void shipsOnceAndVerifiesTheTopicCentrallyPerAgent() throws Exception {
        Path journal = journal(250);
        String topic = "cli-" + UUID.randomUUID();
        ToolRun ship = ToolRun.run("ship", journal.toString(), "--kafka", bootstrap, "--topic", topic, "--agent",
                "payments-agent", "--create-topics", "3", "--exactly-once", "--once");
        assertEquals(0, ship.exitCode(), ship.err());
        String journalId = TestJournals.read(journal).get(0).eventId().substring(0, 12);
        assertEquals("Shipped " + journal + " to kafka-" + topic + ": acknowledged through event 252 (journal " + journalId
                + "), checkpoints through event 252", ship.out().strip());

        ToolRun verify = ToolRun.run("verify", "--kafka", bootstrap, "--topic", topic, "--public-key", publicKey().toString());
        assertEquals(0, verify.exitCode(), verify.err());
        List<String> lines = verify.outLines();
        assertTrue(lines.get(0).startsWith("Topic intact: " + topic + " on " + bootstrap + " ("), lines.get(0));
        assertEquals("  AGENT                 JOURNAL          EVENTS  SEQUENCE             GAPS  DUPLICATES  CHECKPOINTS  STATUS",
                lines.get(1));
        assertEquals("  payments-agent        " + journalId + "        252  1-252                   0           0            3  intact",
                lines.get(2));
        assertEquals("  signatures         checked with the given public key", lines.get(3));

        ToolRun json = ToolRun.run("verify", "--kafka", bootstrap, "--topic", topic, "--json");
        JsonNode report = JSON.readTree(json.out());
        assertEquals("intact", report.get("status").asText());
        assertEquals(252, report.get("chains").get(0).get("events").asLong());
        assertEquals("payments-agent", report.get("chains").get(0).get("agent").asText());
    }

    @Test
    void verifyNamesTheRecordForgedIntoTheTopic() throws Exception {
        Path journal = journal(30);
        String topic = "cli-" + UUID.randomUUID();
        assertEquals(0, ToolRun.run("ship", journal.toString(), "--kafka", bootstrap, "--topic", topic, "--agent",
                "payments-agent", "--create-topics", "1", "--once").exitCode());
        ConsumerRecord<byte[], byte[]> genuine = TopicReader.readAll(bootstrap, topic, true).stream()
                .filter(r -> "12".equals(KafkaRecords.text(r.headers(), KafkaRecords.SEQUENCE))).findFirst().orElseThrow();
        String forged = new String(genuine.value(), StandardCharsets.UTF_8).replace("\"ALLOWED\"", "\"APPROVED\"");
        RecordMetadata at;
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            at = p.send(new ProducerRecord<>(topic, genuine.partition(), null, genuine.key(),
                    forged.getBytes(StandardCharsets.UTF_8), genuine.headers())).get();
        }
        String journalId = KafkaRecords.text(genuine.headers(), KafkaRecords.JOURNAL);

        ToolRun run = ToolRun.run("verify", "--kafka", bootstrap, "--topic", topic, "--public-key", publicKey().toString())
                .assertOneLineError(1);

        String position = topic + "-" + at.partition() + "@" + at.offset();
        assertEquals("agentguard verify: integrity failure at " + position + ": journal " + journalId
                + " (agent payments-agent): event 12 (" + journalId + "-12): the record's JSON does not say what the "
                + "hashed event says: field 'decision' differs (forged or altered after shipping)", run.errorLine());
        assertTrue(run.out().startsWith("Topic NOT intact: "), run.out());
        assertTrue(run.out().contains("FAILED at " + position), run.out());
    }

    @Test
    void lagReadsTheCursorWithoutShipping() throws Exception {
        Path journal = journal(40);
        String topic = "cli-" + UUID.randomUUID();
        ToolRun before = ToolRun.run("ship", journal.toString(), "--kafka", bootstrap, "--topic", topic, "--lag", "--json");
        assertEquals(0, before.exitCode(), before.err());
        JsonNode lag = JSON.readTree(before.out());
        assertEquals("kafka-" + topic, lag.get("target").asText());
        assertEquals(42, lag.get("eventsBehind").asLong());
        assertEquals(0, lag.get("acknowledgedSequence").asLong());
        assertEquals(0, ToolRun.run("ship", journal.toString(), "--kafka", bootstrap, "--topic", topic,
                "--create-topics", "1", "--once").exitCode());
        ToolRun after = ToolRun.run("ship", journal.toString(), "--kafka", bootstrap, "--topic", topic, "--lag");
        assertEquals("Shipping to kafka-" + topic + ": journal at event 42, acknowledged through event 42; 0 events behind",
                after.out().strip());
    }

    @Test
    void followsTheJournalUntilInterrupted() throws Exception {
        Path dir = tmp.resolve("journal");
        String topic = "cli-" + UUID.randomUUID();
        try (Journal journal = dev.agentguard.ship.testing.TestJournals.journal(dir, 1000).open()) {
            dev.agentguard.ship.testing.TestJournals.append(journal, "payments-agent", 10);
            Thread[] runner = new Thread[1];
            CompletableFuture<ToolRun> result = new CompletableFuture<>();
            runner[0] = new Thread(() -> result.complete(ToolRun.run("ship", dir.toString(), "--kafka", bootstrap,
                    "--topic", topic, "--create-topics", "1")));
            try (WatchService watch = FileSystems.getDefault().newWatchService()) {
                dir.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
                runner[0].start();
                dev.agentguard.ship.testing.TestJournals.append(journal, "payments-agent", 5);
                Path cursor = ShipCursor.fileFor(dir, "kafka-" + topic);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (acknowledged(cursor) < 16) {
                    WatchKey key = watch.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                    assertTrue(key != null, "the cursor did not reach event 16");
                    key.pollEvents();
                    key.reset();
                }
            } finally {
                runner[0].interrupt();
            }
            ToolRun run = result.get(30, TimeUnit.SECONDS);
            assertEquals(0, run.exitCode(), run.err());
            List<String> lines = run.outLines();
            assertTrue(lines.get(0).startsWith("Shipping " + dir + " to kafka-" + topic + " until interrupted"), lines.get(0));
            assertTrue(lines.get(1).matches("Stopped: acknowledged through event 1[6-9]"), lines.get(1));
        }
    }

    private static long acknowledged(Path cursor) throws Exception {
        if (!Files.exists(cursor)) {
            return 0;
        }
        String line = Files.readString(cursor);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(" seq=(\\d+) ").matcher(line);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    @Test
    void shipsToSyslogOverTls() throws Exception {
        Path journal = journal(20);
        TlsFiles tls = TlsFiles.create(tmp, "dns:localhost,ip:127.0.0.1");
        try (SyslogReceiver receiver = new SyslogReceiver(tls)) {
            ToolRun run = ToolRun.run("ship", journal.toString(), "--syslog", "127.0.0.1:" + receiver.port(),
                    "--syslog-ca", tls.certificate().toString(), "--syslog-format", "cef", "--replay-window", "0s", "--once");
            assertEquals(0, run.exitCode(), run.err());
            List<String> held = receiver.await(m -> m.size() >= 22, Duration.ofSeconds(30));
            assertTrue(held.stream().allMatch(m -> m.contains(" CEF:0|AgentGuard|AgentGuard|")), held.get(0));
        }
    }

    @Test
    void refusesUsageThatCannotShip() throws Exception {
        Path journal = journal(1);
        assertEquals("agentguard ship: give a target: --kafka BOOTSTRAP --topic TOPIC, or --syslog HOST:PORT",
                ToolRun.run("ship", journal.toString()).assertOneLineError(2).errorLine());
        assertTrue(ToolRun.run("ship", journal.toString(), "--kafka", bootstrap, "--topic", "t", "--syslog", "h:1")
                .assertOneLineError(2).errorLine().contains("mutually exclusive"));
        Path config = tmp.resolve("kafka.properties");
        Files.writeString(config, "acks=0\nsasl.jaas.config=secret-do-not-print\n");
        ToolRun weak = ToolRun.run("ship", journal.toString(), "--kafka", bootstrap, "--topic", "t", "--kafka-config",
                config.toString(), "--once").assertOneLineError(2);
        assertEquals("agentguard ship: Kafka setting 'acks' is fixed by the shipper (lossless, ordered delivery); leave it out",
                weak.errorLine());
        ToolRun missing = ToolRun.run("ship", tmp.resolve("none").toString(), "--kafka", bootstrap, "--topic", "t")
                .assertOneLineError(2);
        assertEquals("agentguard ship: " + tmp.resolve("none") + ": no such journal directory", missing.errorLine());
        assertEquals("agentguard verify: give a JOURNAL_DIR to verify, or --kafka BOOTSTRAP --topic TOPIC",
                ToolRun.run("verify").assertOneLineError(2).errorLine());
        assertEquals("agentguard verify: --kafka verifies a topic: leave out JOURNAL_DIR, --checkpoints and --approval-key",
                ToolRun.run("verify", journal.toString(), "--kafka", bootstrap, "--topic", "t").assertOneLineError(2).errorLine());
        assertEquals("agentguard verify: Kafka at " + bootstrap + " has no topic no-such-topic",
                ToolRun.run("verify", "--kafka", bootstrap, "--topic", "no-such-topic").assertOneLineError(2).errorLine());
    }
}

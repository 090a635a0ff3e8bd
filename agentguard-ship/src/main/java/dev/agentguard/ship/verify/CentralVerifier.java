package dev.agentguard.ship.verify;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Verifies shipped journals where they landed: reads a Kafka topic from its start (committed
 * records only, as a SIEM connector in {@code read_committed} mode would) and checks every
 * journal chain in it — each event's hash recomputed from the stored bytes it carries, its JSON
 * compared with them, every link, duplicates, gaps, and the signed checkpoints on the topic and
 * on the compacted checkpoints topic.
 *
 * <pre>{@code
 * CentralReport report = CentralVerifier.builder("kafka-1:9092").topic("agentguard.events")
 *         .publicKey(checkpointKey).build().verify();
 * report.chains().forEach(c -> System.out.println(c.agent() + " " + c.events() + " " + c.problem()));
 * }</pre>
 */
public final class CentralVerifier {
    private final Builder config;

    private CentralVerifier(Builder config) {
        this.config = config;
    }

    /** Starts configuring a verifier of topics on the cluster at {@code bootstrapServers}. */
    public static Builder builder(String bootstrapServers) {
        return new Builder(bootstrapServers);
    }

    /**
     * Reads the topics to their current end and checks every chain in them.
     *
     * @throws VerificationException when the topics cannot be read (unreachable cluster, no such topic)
     */
    public CentralReport verify() throws VerificationException {
        TopicCheck check = new TopicCheck(config.publicKey);
        Map<String, Object> props = new HashMap<>(config.clientProperties);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "agentguard-verify");
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        // Reading a topic from its start: fetch in large pieces rather than Kafka's 1 MiB per partition.
        props.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        props.putIfAbsent(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            if (!readTopic(consumer, config.topic, r -> check.eventsTopicRecord(ShippedRecord.of(r)))) {
                throw new VerificationException("Kafka at " + config.bootstrapServers + " has no topic " + config.topic);
            }
            String cpTopic = config.checkpointsTopic();
            if (cpTopic != null) {
                // Compaction keeps at least the newest checkpoint of every journal: the chain's head.
                Map<String, ShippedRecord> newest = new LinkedHashMap<>();
                boolean exists = readTopic(consumer, cpTopic, r -> {
                    ShippedRecord s = ShippedRecord.of(r);
                    newest.put(s.key() == null ? s.position() : s.key(), s);
                });
                if (!exists) {
                    check.note("no checkpoints topic " + cpTopic + ": the chains' heads were only checked on " + config.topic);
                } else {
                    newest.values().forEach(r -> check.checkpointsTopicRecord(r, cpTopic));
                }
            }
        } catch (KafkaException e) {
            throw new VerificationException("cannot read " + config.topic + " from Kafka at " + config.bootstrapServers
                    + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
        return check.finish(config.topic, config.checkpointsTopic());
    }

    /** Hands every committed record of {@code topic} to {@code sink}; false when there is no such topic. */
    private boolean readTopic(KafkaConsumer<byte[], byte[]> consumer, String topic,
                              Consumer<ConsumerRecord<byte[], byte[]>> sink) throws VerificationException {
        Duration timeout = config.timeout;
        Map<String, List<PartitionInfo>> topics = consumer.listTopics(timeout);
        List<PartitionInfo> infos = topics.get(topic);
        if (infos == null || infos.isEmpty()) {
            return false;
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo p : infos) {
            partitions.add(new TopicPartition(topic, p.partition()));
        }
        partitions.sort(Comparator.comparingInt(TopicPartition::partition));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        long deadline = System.nanoTime() + config.readTimeout.toNanos();
        while (partitions.stream().anyMatch(tp -> consumer.position(tp, timeout) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new VerificationException("could not read " + topic + " to its end within " + config.readTimeout);
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                    sink.accept(r);
                }
            }
        }
        consumer.unsubscribe();
        return true;
    }

    /** Configures a {@link CentralVerifier}. */
    public static final class Builder {
        private final String bootstrapServers;
        private String topic;
        private String checkpointsTopic;
        private boolean noCheckpointsTopic;
        private PublicKey publicKey;
        private final Map<String, Object> clientProperties = new LinkedHashMap<>();
        private Duration timeout = Duration.ofSeconds(30);
        private Duration readTimeout = Duration.ofMinutes(30);

        private Builder(String bootstrapServers) {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("bootstrap servers are host:port[,host:port…], got '"
                        + bootstrapServers + "'");
            }
            this.bootstrapServers = bootstrapServers.strip();
        }

        /** The events topic (required). */
        public Builder topic(String topic) {
            this.topic = Objects.requireNonNull(topic, "topic");
            return this;
        }

        /**
         * The compacted checkpoints topic (default: the events topic + {@code ".checkpoints"});
         * {@code null} reads none.
         */
        public Builder checkpointsTopic(String topic) {
            this.checkpointsTopic = topic;
            this.noCheckpointsTopic = topic == null;
            return this;
        }

        /** Requires every checkpoint to carry a good signature by this key. */
        public Builder publicKey(PublicKey key) {
            this.publicKey = Objects.requireNonNull(key, "key");
            return this;
        }

        /** A Kafka consumer setting (security, SASL, TLS…); isolation is fixed at read_committed. */
        public Builder property(String key, Object value) {
            if (ConsumerConfig.ISOLATION_LEVEL_CONFIG.equals(key) || ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG.equals(key)) {
                throw new IllegalArgumentException("Kafka setting '" + key + "' is fixed by the verifier; leave it out");
            }
            clientProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Several consumer settings; see {@link #property}. */
        public Builder properties(Map<String, ?> properties) {
            properties.forEach(this::property);
            return this;
        }

        /** How long to wait for metadata and offsets (default 30 s). */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        private String checkpointsTopic() {
            if (noCheckpointsTopic) {
                return null;
            }
            return checkpointsTopic != null ? checkpointsTopic : topic + ".checkpoints";
        }

        public CentralVerifier build() {
            if (topic == null) {
                throw new IllegalStateException("no topic: call topic(\"agentguard.events\") or similar");
            }
            return new CentralVerifier(this);
        }
    }
}

package dev.agentguard.ship.kafka;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Hash;
import dev.agentguard.audit.integrity.Checkpoint;
import dev.agentguard.audit.json.EventJson;
import dev.agentguard.ship.ShipBatch;
import dev.agentguard.ship.ShipCursor;
import dev.agentguard.ship.ShipItem;
import dev.agentguard.ship.ShipPosition;
import dev.agentguard.ship.ShipTarget;
import dev.agentguard.ship.ShippingException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Ships a journal to Kafka: an idempotent producer with {@code acks=all}, one record per event
 * keyed by the agent id (so each agent's events stay in order on one partition), and every
 * signed checkpoint both on that partition and on a compacted checkpoints topic. The record
 * format is described in {@link KafkaRecords}.
 *
 * <p><b>At least once</b> (the default): a batch counts as shipped when Kafka acknowledged every
 * record of it; after a failure the shipper sends again from its cursor, so a consumer may see
 * an event twice, with the same event id and hash.
 *
 * <p><b>Exactly once</b> ({@link Builder#exactlyOnce}): each batch is one Kafka transaction
 * under a {@code transactional.id} of its own per journal. Consumers that read with
 * {@code isolation.level=read_committed} see every event once: a shipper that restarts fences
 * its predecessor (aborting what it left open) and reads back the transactions committed after
 * its cursor before it sends anything.
 *
 * <p>Before the first write, every partition of both topics must have a leader that serves it.
 * A batch that fails, or that Kafka does not acknowledge within the {@linkplain Builder#timeout
 * timeout}, fails the {@link #send}; the producer is closed and the next {@link #connect} starts a
 * new one, so a producer stuck in a state it cannot leave is never used again.
 *
 * <pre>{@code
 * KafkaTarget kafka = KafkaTarget.builder("kafka-1:9092").topic("agentguard.events")
 *         .agentId("payments-agent").exactlyOnce().build();
 * }</pre>
 */
public final class KafkaTarget implements ShipTarget {
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    /** The pause between two looks at topics that are not ready for writing yet. */
    private static final long READY_POLL_MILLIS = 100;
    /** Settings that make shipping lossless and verifiable; a user may not change them. */
    private static final Set<String> FIXED = Set.of(ProducerConfig.ACKS_CONFIG, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION);

    private final Builder config;
    private final String name;
    private KafkaProducer<byte[], byte[]> producer;
    /** The topics the current producer has had a record acknowledged on. */
    private final Set<String> written = new HashSet<>();
    private String journalId;
    private byte[] key;
    private int partition;
    private ShipPosition acked;

    private KafkaTarget(Builder b) {
        this.config = b;
        this.name = b.name != null ? b.name : ShipCursor.targetNameFor("kafka-", b.topic);
        ShipCursor.requireTargetName(name);
    }

    /** Starts configuring a target on the cluster at {@code bootstrapServers} ({@code host:port,host:port}). */
    public static Builder builder(String bootstrapServers) {
        return new Builder(bootstrapServers);
    }

    @Override
    public String name() {
        return name;
    }

    /** The events topic. */
    public String topic() {
        return config.topic;
    }

    /** The compacted checkpoints topic. */
    public String checkpointsTopic() {
        return config.checkpointsTopic();
    }

    /** The {@code transactional.id} used for journal {@code journalId} in exactly-once mode. */
    public String transactionalId(String journalId) {
        return config.transactionalIdPrefix + journalId;
    }

    @Override
    public ShipPosition connect(ShipPosition cursor) throws ShippingException {
        dropProducer();
        journalId = cursor.journalId();
        key = (config.agentId != null ? config.agentId : journalId).getBytes(StandardCharsets.UTF_8);
        Admin admin = null;
        try {
            admin = Admin.create(adminProperties());
            if (config.createPartitions > 0) {
                createTopics(admin);
            }
            awaitLeaders(admin);
            producer = new KafkaProducer<>(producerProperties(), new ByteArraySerializer(), new ByteArraySerializer());
            List<PartitionInfo> partitions = producer.partitionsFor(config.topic);
            if (partitions == null || partitions.isEmpty()) {
                throw new ShippingException("Kafka topic " + config.topic + " has no partitions");
            }
            // The partition the default partitioner would choose for the key, fixed here so that
            // a restarted shipper knows where to read back its own transactions.
            partition = Utils.toPositive(Utils.murmur2(key)) % partitions.size();
            ShipPosition resumed = cursor;
            if (config.exactlyOnce) {
                // A new producer with the same transactional.id: Kafka fences the previous one and
                // aborts what it left open, so the read-back sees only committed transactions.
                producer.initTransactions();
                resumed = readBackCommitted(admin, cursor);
            }
            acked = resumed;
            return resumed;
        } catch (KafkaException | ExecutionException e) {
            dropProducer();
            throw new ShippingException("cannot connect to Kafka at " + config.bootstrapServers + " (topic "
                    + config.topic + "): " + describe(e), e);
        } catch (ShippingException e) {
            dropProducer();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            dropProducer();
            throw new ShippingException("interrupted while connecting to Kafka", e);
        } finally {
            if (admin != null) {
                // Every answer needed is in; whatever is still pending was given up on.
                admin.close(Duration.ZERO);
            }
        }
    }

    @Override
    public ShipPosition send(ShipBatch batch) throws ShippingException {
        if (producer == null) {
            throw new ShippingException("not connected to Kafka");
        }
        if (batch.isEmpty()) {
            return acked;
        }
        List<ShipItem.Event> events = new ArrayList<>();
        List<Checkpoint> checkpoints = new ArrayList<>();
        for (ShipItem item : batch.items()) {
            if (item instanceof ShipItem.Event e) {
                events.add(e);
            } else {
                checkpoints.add(((ShipItem.CheckpointLine) item).checkpoint());
            }
        }
        // One bound for the whole batch: the producer's own retries would otherwise go on until
        // delivery.timeout.ms, and a producer that cannot recover would hold the batch that long.
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.timeoutMillis);
        long nextOffset;
        try {
            if (config.exactlyOnce) {
                producer.beginTransaction();
                List<Future<RecordMetadata>> sent = sendInOrder(eventRecords(events), deadline);
                sent.addAll(sendInOrder(checkpointRecords(checkpoints), deadline));
                nextOffset = lastOffsetOnPartition(sent, deadline) + 1;
                producer.commitTransaction();
            } else {
                // Checkpoints go only after the events they name are acknowledged, so a consumer
                // never sees a checkpoint for an event the topic does not have.
                nextOffset = lastOffsetOnPartition(sendInOrder(eventRecords(events), deadline), deadline) + 1;
                if (!checkpoints.isEmpty()) {
                    List<Future<RecordMetadata>> cps = sendInOrder(checkpointRecords(checkpoints), deadline);
                    nextOffset = Math.max(nextOffset, lastOffsetOnPartition(cps, deadline) + 1);
                }
            }
        } catch (TimeoutException e) {
            dropProducer();
            throw new ShippingException("Kafka did not acknowledge events " + firstSeq(events) + " to "
                    + batch.end().sequence() + " within " + config.timeoutMillis + " ms; a new producer sends them again",
                    e);
        } catch (KafkaException | ExecutionException e) {
            dropProducer();
            throw new ShippingException("Kafka did not acknowledge events " + firstSeq(events) + " to "
                    + batch.end().sequence() + " (" + describe(e) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            dropProducer();
            throw new ShippingException("interrupted while shipping to Kafka", e);
        } catch (RuntimeException e) {
            // A producer that threw anything else is in a state nobody can vouch for.
            dropProducer();
            throw e;
        }
        ShipPosition end = batch.end();
        acked = nextOffset > 0 ? end.withTargetState(partition + ":" + nextOffset) : end;
        return acked;
    }

    /**
     * Sends the records in order. The first record a producer writes to a topic goes alone and
     * is awaited: until a partition holds a record of a producer id, the broker accepts that
     * producer's requests with any sequence number, so a first request that failed (its leader
     * was just moving) could be overtaken by the next one, and its retries would then be refused
     * as out of order until the batch expires, with the later records already written
     * (KAFKA-15591).
     */
    private List<Future<RecordMetadata>> sendInOrder(List<ProducerRecord<byte[], byte[]>> records, long deadline)
            throws ExecutionException, InterruptedException, TimeoutException {
        List<Future<RecordMetadata>> futures = new ArrayList<>(records.size());
        for (ProducerRecord<byte[], byte[]> r : records) {
            Future<RecordMetadata> f = producer.send(r);
            futures.add(f);
            if (!written.contains(r.topic())) {
                await(f, deadline);
                written.add(r.topic());
            }
        }
        return futures;
    }

    private List<ProducerRecord<byte[], byte[]>> eventRecords(List<ShipItem.Event> events) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(events.size());
        for (ShipItem.Event e : events) {
            AuditEvent ev = e.event();
            RecordHeaders headers = new RecordHeaders();
            headers.add(header(KafkaRecords.TYPE, KafkaRecords.TYPE_EVENT));
            headers.add(header(KafkaRecords.JOURNAL, journalId));
            headers.add(header(KafkaRecords.SEQUENCE, Long.toString(ev.sequence())));
            headers.add(header(KafkaRecords.HASH, ev.hash().toHex()));
            headers.add(new RecordHeader(KafkaRecords.ENTRY, e.entry()));
            byte[] value = EventJson.toJson(ev).getBytes(StandardCharsets.UTF_8);
            records.add(new ProducerRecord<>(config.topic, partition, null, key, value, headers));
        }
        return records;
    }

    private List<ProducerRecord<byte[], byte[]>> checkpointRecords(List<Checkpoint> checkpoints) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(2 * checkpoints.size());
        byte[] journalKey = journalId.getBytes(StandardCharsets.UTF_8);
        for (Checkpoint cp : checkpoints) {
            byte[] line = cp.toLine().getBytes(StandardCharsets.US_ASCII);
            records.add(new ProducerRecord<>(config.topic, partition, null, key, line, checkpointHeaders(cp)));
            records.add(new ProducerRecord<>(config.checkpointsTopic(), null, null, journalKey, line,
                    checkpointHeaders(cp)));
        }
        return records;
    }

    private RecordHeaders checkpointHeaders(Checkpoint cp) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(header(KafkaRecords.TYPE, KafkaRecords.TYPE_CHECKPOINT));
        headers.add(header(KafkaRecords.JOURNAL, cp.journalId()));
        headers.add(header(KafkaRecords.SEQUENCE, Long.toString(cp.sequence())));
        headers.add(header(KafkaRecords.HASH, cp.hash().toHex()));
        return headers;
    }

    /**
     * Waits, until {@code deadline} at the latest, for every record to be acknowledged, and
     * returns the offset of the last one on the journal's partition of the events topic, or -1
     * when there was none. A failed record throws.
     */
    private long lastOffsetOnPartition(List<Future<RecordMetadata>> futures, long deadline)
            throws ExecutionException, InterruptedException, TimeoutException {
        long last = -1;
        for (Future<RecordMetadata> f : futures) {
            RecordMetadata m = await(f, deadline);
            if (m.topic().equals(config.topic) && m.partition() == partition) {
                last = Math.max(last, m.offset());
            }
        }
        return last;
    }

    private static RecordMetadata await(Future<RecordMetadata> f, long deadline)
            throws ExecutionException, InterruptedException, TimeoutException {
        return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /**
     * Exactly-once resume: the shipper's cursor moves after a commit, so a crash in between
     * leaves committed events the cursor does not know. Read this journal's records on its
     * partition after the cursor's offset (committed ones only) and resume after the last.
     */
    private ShipPosition readBackCommitted(Admin admin, ShipPosition cursor) throws ExecutionException,
            InterruptedException, ShippingException {
        TopicPartition tp = new TopicPartition(config.topic, partition);
        long highWatermark;
        long beginning;
        try {
            ListOffsetsResult latest = admin.listOffsets(Map.of(tp, OffsetSpec.latest()),
                    new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED));
            highWatermark = latest.partitionResult(tp).get(config.timeoutMillis, TimeUnit.MILLISECONDS).offset();
            ListOffsetsResult earliest = admin.listOffsets(Map.of(tp, OffsetSpec.earliest()));
            beginning = earliest.partitionResult(tp).get(config.timeoutMillis, TimeUnit.MILLISECONDS).offset();
        } catch (TimeoutException e) {
            throw new ShippingException("Kafka did not say how far partition " + tp + " reaches within "
                    + config.timeoutMillis + " ms");
        }
        long from = highWatermark;
        String state = cursor.targetState();
        if (state != null) {
            int colon = state.indexOf(':');
            try {
                int p = Integer.parseInt(state.substring(0, colon));
                long o = Long.parseLong(state.substring(colon + 1));
                from = p == partition ? o : beginning;
            } catch (RuntimeException e) {
                throw new ShippingException("the cursor's Kafka state '" + state + "' is not 'partition:offset'");
            }
        } else if (cursor.sequence() > 0) {
            // A cursor from at-least-once shipping: nothing to read back; what follows may repeat.
            from = highWatermark;
        }
        from = Math.max(beginning, Math.min(from, highWatermark));
        long foundSeq = cursor.sequence();
        Hash foundHash = cursor.hash();
        long foundCheckpoint = cursor.checkpointSequence();
        if (from < highWatermark) {
            Map<String, Object> props = consumerProperties();
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer.assign(List.of(tp));
                consumer.seek(tp, from);
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.timeoutMillis);
                // With read_committed the position stops at the first open transaction (another
                // journal's, on a shared partition) until it ends; wait for that rather than miss
                // a committed transaction of ours behind it.
                while (consumer.position(tp) < highWatermark) {
                    if (System.nanoTime() > deadline) {
                        throw new ShippingException("cannot read back partition " + tp + " from offset " + from
                                + " to " + highWatermark + " within " + config.timeoutMillis + " ms");
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        if (!journalId.equals(KafkaRecords.text(r.headers(), KafkaRecords.JOURNAL))) {
                            continue;
                        }
                        String type = KafkaRecords.text(r.headers(), KafkaRecords.TYPE);
                        long seq = parseLong(KafkaRecords.text(r.headers(), KafkaRecords.SEQUENCE));
                        if (KafkaRecords.TYPE_EVENT.equals(type) && seq > foundSeq) {
                            foundSeq = seq;
                            foundHash = Hash.fromHex(KafkaRecords.text(r.headers(), KafkaRecords.HASH));
                        } else if (KafkaRecords.TYPE_CHECKPOINT.equals(type) && seq > foundCheckpoint) {
                            foundCheckpoint = seq;
                        }
                    }
                }
            } catch (IllegalArgumentException e) {
                throw new ShippingException("partition " + tp + " holds a record of journal " + journalId
                        + " with malformed headers: " + e.getMessage());
            }
        }
        String newState = partition + ":" + highWatermark;
        if (foundSeq == cursor.sequence()) {
            return new ShipPosition(journalId, cursor.sequence(), cursor.hash(), Math.max(foundCheckpoint,
                    cursor.checkpointSequence()), cursor.journalIndex(), newState);
        }
        return new ShipPosition(journalId, foundSeq, foundHash, foundCheckpoint, -1, newState);
    }

    private static long parseLong(String s) {
        if (s == null) {
            throw new IllegalArgumentException("no " + KafkaRecords.SEQUENCE + " header");
        }
        return Long.parseLong(s);
    }

    private void createTopics(Admin admin) throws ExecutionException, InterruptedException, ShippingException {
        List<NewTopic> topics = List.of(
                new NewTopic(config.topic, config.createPartitions, config.createReplicationFactor),
                new NewTopic(config.checkpointsTopic(), 1, config.createReplicationFactor)
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        for (Map.Entry<String, KafkaFuture<Void>> r : admin.createTopics(topics).values().entrySet()) {
            try {
                r.getValue().get(config.timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            } catch (TimeoutException e) {
                throw new ShippingException("Kafka did not create topic " + r.getKey() + " within "
                        + config.timeoutMillis + " ms");
            }
        }
    }

    /**
     * Waits until every partition of both topics has a leader that answers for it. Kafka names a
     * new partition's leader in its metadata a moment before that broker accepts writes to it;
     * the same holds while leadership moves after a broker restart.
     */
    private void awaitLeaders(Admin admin) throws InterruptedException, ShippingException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.timeoutMillis);
        while (true) {
            String notReady = notReadyForWriting(admin, deadline);
            if (notReady == null) {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new ShippingException("Kafka topics " + config.topic + " and " + config.checkpointsTopic()
                        + " are not ready for writing within " + config.timeoutMillis + " ms: " + notReady);
            }
            TimeUnit.MILLISECONDS.sleep(READY_POLL_MILLIS);
        }
    }

    /** Why the topics cannot take writes yet (null when every partition's leader serves it). */
    private String notReadyForWriting(Admin admin, long deadline) throws InterruptedException, ShippingException {
        List<String> topics = List.of(config.topic, config.checkpointsTopic());
        Map<String, KafkaFuture<TopicDescription>> answers =
                admin.describeTopics(topics).topicNameValues();
        List<TopicDescription> described = new ArrayList<>();
        for (String topic : topics) {
            try {
                described.add(answers.get(topic).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException && config.createPartitions == 0) {
                    throw new ShippingException("Kafka topic " + topic + " does not exist: create it, or have the "
                            + "shipper create missing topics (createTopics)");
                }
                if (e.getCause() instanceof RetriableException) {
                    return "topic " + topic + ": " + describe(e);
                }
                throw new ShippingException("cannot describe Kafka topic " + topic + ": " + describe(e), e);
            } catch (TimeoutException e) {
                return "Kafka did not describe topic " + topic;
            }
        }
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        for (TopicDescription d : described) {
            if (d.partitions().isEmpty()) {
                return "topic " + d.name() + " has no partitions";
            }
            for (TopicPartitionInfo p : d.partitions()) {
                if (p.leader() == null || p.leader().isEmpty()) {
                    return "partition " + d.name() + "-" + p.partition() + " has no leader";
                }
                partitions.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest());
            }
        }
        // Only the leader answers for a partition's end offset, and only once it has taken the
        // partition on: the proof that a write would be accepted.
        try {
            admin.listOffsets(partitions).all().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RetriableException) {
                return describe(e);
            }
            throw new ShippingException("cannot read the end offsets of Kafka topics " + config.topic + " and "
                    + config.checkpointsTopic() + ": " + describe(e), e);
        } catch (TimeoutException e) {
            return "their leaders did not answer for their end offsets";
        }
        return null;
    }

    private Map<String, Object> producerProperties() {
        Map<String, Object> p = new HashMap<>(config.clientProperties);
        p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, config.timeoutMillis);
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "agentguard-ship-" + journalId);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        if (config.exactlyOnce) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(journalId));
        }
        return p;
    }

    private Map<String, Object> consumerProperties() {
        Map<String, Object> p = clientOnly();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "agentguard-ship-readback-" + journalId);
        return p;
    }

    private Map<String, Object> adminProperties() {
        Map<String, Object> p = clientOnly();
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "agentguard-ship-admin-" + (journalId == null ? "" : journalId));
        return p;
    }

    /** The user's connection settings (security, timeouts) without the producer's own ones. */
    private Map<String, Object> clientOnly() {
        Map<String, Object> p = new HashMap<>();
        Set<String> common = AdminClientConfig.configNames();
        config.clientProperties.forEach((k, v) -> {
            if (common.contains(k)) {
                p.put(k, v);
            }
        });
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers);
        return p;
    }

    private void dropProducer() {
        written.clear();
        if (producer != null) {
            try {
                // No grace: what was in flight is sent again from the cursor.
                producer.close(Duration.ZERO);
            } catch (RuntimeException ignored) {
                // closing a failed producer can fail too; it is dropped either way
            }
            producer = null;
        }
    }

    @Override
    public void close() {
        written.clear();
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(5));
            } catch (RuntimeException ignored) {
                // nothing more to release
            }
            producer = null;
        }
    }

    private static RecordHeader header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String firstSeq(List<ShipItem.Event> events) {
        return events.isEmpty() ? "-" : Long.toString(events.get(0).event().sequence());
    }

    private static String describe(Throwable e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        String msg = t.getMessage();
        return t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg.lines().findFirst().orElse(""));
    }

    @Override
    public String toString() {
        return "KafkaTarget[" + config.bootstrapServers + ", topic=" + config.topic
                + (config.exactlyOnce ? ", exactly once" : ", at least once") + "]";
    }

    /** Configures a {@link KafkaTarget}. */
    public static final class Builder {
        private final String bootstrapServers;
        private String topic;
        private String checkpointsTopic;
        private String agentId;
        private String name;
        private boolean exactlyOnce;
        private String transactionalIdPrefix = "agentguard-ship-";
        private final Map<String, Object> clientProperties = new LinkedHashMap<>();
        private int createPartitions;
        private short createReplicationFactor;
        private int timeoutMillis = 30_000;

        private Builder(String bootstrapServers) {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("bootstrap servers are host:port[,host:port…], got '"
                        + bootstrapServers + "'");
            }
            this.bootstrapServers = bootstrapServers.strip();
        }

        /** The events topic (required). */
        public Builder topic(String topic) {
            this.topic = requireTopic(topic, "topic");
            return this;
        }

        /** The compacted topic for checkpoints (default: the events topic + {@code ".checkpoints"}). */
        public Builder checkpointsTopic(String topic) {
            this.checkpointsTopic = requireTopic(topic, "checkpointsTopic");
            return this;
        }

        /**
         * The record key: the agent whose journal this is (default: the journal id). All of a
         * journal's records carry it, so they stay in order on one partition.
         */
        public Builder agentId(String agentId) {
            if (agentId == null || agentId.isBlank()) {
                throw new IllegalArgumentException("agentId must not be blank");
            }
            this.agentId = agentId;
            return this;
        }

        /** The target's name in cursor files (default {@code kafka-<topic>}). */
        public Builder name(String name) {
            this.name = ShipCursor.requireTargetName(name);
            return this;
        }

        /** Ships each batch as one transaction ({@code transactional.id} = prefix + journal id). */
        public Builder exactlyOnce() {
            this.exactlyOnce = true;
            return this;
        }

        /** The prefix of the per-journal {@code transactional.id} (default {@code agentguard-ship-}). */
        public Builder transactionalIdPrefix(String prefix) {
            if (prefix == null || !prefix.matches("[A-Za-z0-9._-]{0,200}")) {
                throw new IllegalArgumentException("transactionalIdPrefix is up to 200 letters, digits, '.', '_' or "
                        + "'-', got '" + prefix + "'");
            }
            this.transactionalIdPrefix = prefix;
            return this;
        }

        /**
         * A Kafka client setting (security, SASL, TLS, compression, timeouts…). The settings that
         * make shipping lossless are fixed: {@code acks}, {@code enable.idempotence},
         * {@code max.in.flight.requests.per.connection}, the serializers, {@code transactional.id}
         * (see {@link #exactlyOnce()}), {@code isolation.level} and {@code bootstrap.servers}.
         */
        public Builder property(String key, Object value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            if (FIXED.contains(key)) {
                throw new IllegalArgumentException("Kafka setting '" + key + "' is fixed by the shipper (lossless, "
                        + "ordered delivery); leave it out");
            }
            clientProperties.put(key, value);
            return this;
        }

        /** Several client settings; see {@link #property}. */
        public Builder properties(Map<String, ?> properties) {
            properties.forEach(this::property);
            return this;
        }

        /**
         * Creates the topics when they are missing: the events topic with {@code partitions}
         * partitions, the checkpoints topic compacted with one (default: create nothing).
         */
        public Builder createTopics(int partitions, short replicationFactor) {
            if (partitions < 1 || replicationFactor < 1) {
                throw new IllegalArgumentException("createTopics needs at least 1 partition and 1 replica, got "
                        + partitions + " and " + replicationFactor);
            }
            this.createPartitions = partitions;
            this.createReplicationFactor = replicationFactor;
            return this;
        }

        /**
         * How long to wait for metadata, topic creation, the topics' leaders, the read-back, and
         * for each batch to be acknowledged (default 30 s). A batch not acknowledged in time is
         * sent again from the cursor by a new producer.
         */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.toMillis() < 100 || timeout.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("timeout must be at least 100 ms, got " + timeout);
            }
            this.timeoutMillis = (int) timeout.toMillis();
            return this;
        }

        private String checkpointsTopic() {
            return checkpointsTopic != null ? checkpointsTopic : topic + ".checkpoints";
        }

        /** The target; nothing connects until the shipper starts. */
        public KafkaTarget build() {
            if (topic == null) {
                throw new IllegalStateException("no topic: call topic(\"agentguard.events\") or similar");
            }
            if (checkpointsTopic().equals(topic)) {
                throw new IllegalStateException("the checkpoints topic must differ from the events topic " + topic);
            }
            return new KafkaTarget(this);
        }

        private static String requireTopic(String topic, String what) {
            if (topic == null || !TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
                throw new IllegalArgumentException(what + " must be a Kafka topic name (1 to 249 letters, digits, '.', "
                        + "'_' or '-'), got '" + topic + "'");
            }
            return topic;
        }
    }
}

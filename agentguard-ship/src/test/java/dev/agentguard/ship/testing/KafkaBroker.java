package dev.agentguard.ship.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * A real single-node Apache Kafka broker in KRaft mode (broker and controller in one process),
 * run as a child JVM on loopback with random ports. Tests start, SIGKILL and restart it.
 * Heartbeat and session timeouts are short so that a broker restarted after SIGKILL registers
 * again within a second or two instead of waiting out its old session.
 */
public final class KafkaBroker implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Path directory;
    private final Path properties;
    private final int port;
    private ChildJvm process;

    private KafkaBroker(Path directory, Path properties, int port) {
        this.directory = directory;
        this.properties = properties;
        this.port = port;
    }

    /** Formats storage under {@code directory} and starts the broker. */
    public static KafkaBroker start(Path directory) throws IOException, InterruptedException {
        Files.createDirectories(directory);
        int port = freePort();
        int controllerPort = freePort();
        Path props = directory.resolve("server.properties");
        Files.writeString(props, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT",
                "log.dirs=" + directory.resolve("data"),
                "num.partitions=3",
                "auto.create.topics.enable=false",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=1",
                "group.initial.rebalance.delay.ms=0",
                "broker.heartbeat.interval.ms=200",
                "broker.session.timeout.ms=1500",
                "controller.quorum.election.timeout.ms=500",
                "controller.quorum.fetch.timeout.ms=1000",
                "num.network.threads=2",
                "num.io.threads=2",
                "log.segment.bytes=67108864",
                "") + "\n");
        ChildJvm format = ChildJvm.start("kafka-storage-format", "kafka.tools.StorageTool", jvmOptions(),
                "format", "-t", clusterId(), "-c", props.toString());
        int code = format.awaitExit(START_TIMEOUT);
        if (code != 0) {
            throw new AssertionError("formatting Kafka storage failed with exit code " + code + ":\n" + format.output());
        }
        KafkaBroker broker = new KafkaBroker(directory, props, port);
        broker.startProcess();
        return broker;
    }

    private void startProcess() throws IOException, InterruptedException {
        process = ChildJvm.start("kafka-broker", "kafka.Kafka", jvmOptions(), properties.toString());
        process.awaitLine(0, l -> l.contains("Kafka Server started"), START_TIMEOUT);
    }

    private static List<String> jvmOptions() {
        return List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dorg.slf4j.simpleLogger.log.kafka.server.KafkaRaftServer=info",
                // The broker's own SIGKILL recovery and the client warnings a restart causes are expected.
                "-Dorg.slf4j.simpleLogger.log.kafka.log=error",
                "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.storage=error");
    }

    /** {@code host:port} for clients. */
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    /** SIGKILL, as a crash would. */
    public void kill() throws InterruptedException {
        process.kill();
    }

    /** Starts the broker again on the same storage and ports. */
    public void restart() throws IOException, InterruptedException {
        if (process.isAlive()) {
            throw new IllegalStateException("the broker is still running");
        }
        startProcess();
    }

    /** True while the broker process runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The broker's output, for failure messages. */
    public String output() {
        return process.output();
    }

    @Override
    public void close() {
        process.close();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * A Kafka cluster id: a UUID in URL-safe base64 without padding (22 characters). One in 64
     * such strings starts with '-', which the storage tool's argument parser reads as an option
     * ("argument --cluster-id/-t: expected one argument"); Kafka's own generator draws again in
     * that case, and so does this one.
     */
    static String clusterId() {
        while (true) {
            UUID u = UUID.randomUUID();
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16).putLong(u.getMostSignificantBits())
                    .putLong(u.getLeastSignificantBits());
            String id = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
            if (!id.startsWith("-")) {
                return id;
            }
        }
    }
}

package dev.agentguard.cli;

import dev.agentguard.ship.ShipPosition;
import dev.agentguard.ship.ShipTarget;
import dev.agentguard.ship.Shipper;
import dev.agentguard.ship.ShippingException;
import dev.agentguard.ship.ShippingLag;
import dev.agentguard.ship.kafka.KafkaTarget;
import dev.agentguard.ship.syslog.SyslogFormat;
import dev.agentguard.ship.syslog.SyslogTarget;
import dev.agentguard.audit.reader.JournalReader;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** {@code agentguard ship}: ships a journal to Kafka or to syslog over TLS, resuming where it stopped. */
@Command(name = "ship",
        mixinStandardHelpOptions = true,
        description = {
                "Ships a journal off the host: every event (as the JSON of 'export') and every signed checkpoint, "
                        + "in order, to a Kafka topic or to a syslog receiver over TLS (RFC 5424).",
                "Resumes from a durable cursor (JOURNAL_DIR/ship-TARGET.cursor) that moves only after the target "
                        + "acknowledged, so a crash of the agent, the shipper or the target loses nothing. Follows the "
                        + "journal until interrupted (Ctrl+C); with --once, ships what the journal holds and exits; "
                        + "with --lag, prints how far the cursor is behind the journal and exits."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  agentguard ship /srv/journal --kafka kafka-1:9092 --topic agentguard.events --agent payments-agent",
                "  agentguard ship /srv/journal --kafka kafka-1:9092 --topic agentguard.events --exactly-once "
                        + "--kafka-config /etc/agentguard/kafka.properties",
                "  agentguard ship /srv/journal --syslog siem.example.com:6514 --syslog-ca /etc/agentguard/siem-ca.pem "
                        + "--syslog-format cef",
                "  agentguard ship /srv/journal --kafka kafka-1:9092 --topic agentguard.events --lag"})
final class ShipCommand extends ToolCommand {
    @Parameters(index = "0", paramLabel = "JOURNAL_DIR", description = "The journal directory.")
    Path journal;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Destination destination;

    /** Exactly one target. */
    static final class Destination {
        @ArgGroup(exclusive = false, multiplicity = "1", heading = "Kafka:%n")
        KafkaOptions kafka;

        @ArgGroup(exclusive = false, multiplicity = "1", heading = "Syslog over TLS:%n")
        SyslogOptions syslog;
    }

    /** {@code --kafka …}. */
    static final class KafkaOptions {
        @Option(names = "--kafka", required = true, paramLabel = "BOOTSTRAP",
                description = "Kafka bootstrap servers, host:port[,host:port…].")
        String bootstrap;

        @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "The events topic.")
        String topic;

        @Option(names = "--checkpoints-topic", paramLabel = "TOPIC",
                description = "The compacted checkpoints topic (default: TOPIC.checkpoints).")
        String checkpointsTopic;

        @Option(names = "--agent", paramLabel = "AGENT_ID",
                description = "The record key: the agent whose journal this is (default: the journal id).")
        String agent;

        @Option(names = "--exactly-once",
                description = "One Kafka transaction per batch (transactional.id agentguard-ship-<journal id>): "
                        + "read_committed consumers see every event once.")
        boolean exactlyOnce;

        @Option(names = "--kafka-config", paramLabel = "FILE",
                description = "Kafka client settings (security.protocol, sasl.*, ssl.*, compression.type…) as a "
                        + "properties file; keep secrets there, not on the command line.")
        Path config;

        @Option(names = "--create-topics", paramLabel = "PARTITIONS",
                description = "Create missing topics: TOPIC with PARTITIONS partitions, the checkpoints topic "
                        + "compacted (replication factor 1; create them yourself for production).")
        Integer createPartitions;
    }

    /** {@code --syslog …}. */
    static final class SyslogOptions {
        @Option(names = "--syslog", required = true, paramLabel = "HOST:PORT",
                description = "The syslog receiver (RFC 5425 TLS; 6514 is the usual port).")
        String address;

        @Option(names = "--syslog-ca", paramLabel = "FILE",
                description = "PEM certificates to trust for the receiver (default: the JDK's trust store).")
        Path ca;

        @Option(names = "--syslog-client-cert", paramLabel = "FILE",
                description = "A PKCS#12 key store with the client certificate, for receivers that require one.")
        Path clientCert;

        @Option(names = "--syslog-client-cert-password-env", paramLabel = "VAR",
                description = "The environment variable holding the key store password.")
        String clientCertPasswordEnv;

        @Option(names = "--syslog-format", paramLabel = "FORMAT", defaultValue = "json",
                converter = SyslogFormatName.class,
                description = "The message body: json (the JSON of 'export', default) or cef.")
        SyslogFormat format;

        @Option(names = "--syslog-hostname", paramLabel = "NAME",
                description = "The HOSTNAME field (default: this machine's host name).")
        String hostname;

        @Option(names = "--replay-window", paramLabel = "DURATION", defaultValue = "10s",
                description = "How long a message stays unacknowledged and is sent again after a reconnect "
                        + "(default: ${DEFAULT-VALUE}).")
        String replayWindow;
    }

    /** {@code --syslog-format json|cef}. */
    static final class SyslogFormatName extends NameConverter<SyslogFormat> {
        SyslogFormatName() {
            super(SyslogFormat.class, "syslog format");
        }
    }

    @Option(names = "--target-name", paramLabel = "NAME",
            description = "The target's name in the cursor file (default: kafka-TOPIC or syslog-HOST-PORT).")
    String targetName;

    @Option(names = "--once", description = "Ship what the journal holds now, wait for the acknowledgement, and exit.")
    boolean once;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5m",
            description = "With --once: give up after this long (default: ${DEFAULT-VALUE}).")
    String timeout;

    @Option(names = "--lag", description = "Print how far the cursor is behind the journal, and exit.")
    boolean lag;

    @Override
    int run() throws Exception {
        if (destination == null) {
            throw new InputException("give a target: --kafka BOOTSTRAP --topic TOPIC, or --syslog HOST:PORT");
        }
        if (once && lag) {
            throw new InputException("--once and --lag do not go together: --lag only reads the cursor");
        }
        JournalReader.open(journal).close(); // a missing or foreign directory is reported as such
        Path dir = journal.toAbsolutePath().normalize();
        try (ShipTarget target = target()) {
            if (lag) {
                return printLag(ShippingLag.ofCursor(dir, dir, target.name(), Clock.systemUTC()));
            }
            Shipper.Builder builder = Shipper.builder(dir).target(target);
            if (once) {
                return shipOnce(builder, target);
            }
            return follow(builder, target);
        }
    }

    private int shipOnce(Shipper.Builder builder, ShipTarget target) throws Exception {
        ShipPosition p;
        try {
            p = builder.registerMBean(false).shipAvailable(DurationArgument.parse("--timeout", timeout));
        } catch (ShippingException e) {
            throw new InputException("cannot ship " + journal.toAbsolutePath().normalize() + " to " + target.name()
                    + ": " + e.getMessage());
        }
        if (json()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("target", target.name());
            o.put("journalId", p.journalId());
            o.put("acknowledgedSequence", p.sequence());
            o.put("acknowledgedHash", p.hash().toHex());
            o.put("checkpointSequence", p.checkpointSequence());
            out().println(Json.object(o));
        } else {
            out().println("Shipped " + journal.toAbsolutePath().normalize() + " to " + target.name()
                    + ": acknowledged through event " + p.sequence() + " (journal " + p.journalId()
                    + "), checkpoints through event " + p.checkpointSequence());
        }
        return ExitCodes.OK;
    }

    private int follow(Shipper.Builder builder, ShipTarget target) throws Exception {
        out().println("Shipping " + journal.toAbsolutePath().normalize() + " to " + target.name()
                + " until interrupted (Ctrl+C); the cursor is " + Path.of(journal.toAbsolutePath().normalize().toString(),
                "ship-" + target.name() + ".cursor"));
        out().flush();
        Shipper shipper = builder.start();
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException stopped) {
            // Ctrl+C: stop shipping cleanly; what was not acknowledged is shipped next time.
        } finally {
            shipper.close();
        }
        out().println("Stopped: acknowledged through event "
                + shipper.acknowledged().map(ShipPosition::sequence).orElse(0L));
        return ExitCodes.OK;
    }

    private int printLag(ShippingLag l) {
        if (json()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("target", l.target());
            o.put("journalSequence", l.journalSequence());
            o.put("acknowledgedSequence", l.acknowledgedSequence());
            o.put("eventsBehind", l.eventsBehind());
            o.put("secondsBehind", l.secondsBehind());
            out().println(Json.object(o));
        } else {
            out().println("Shipping to " + l.target() + ": journal at event " + l.journalSequence()
                    + ", acknowledged through event " + l.acknowledgedSequence() + "; " + l.eventsBehind()
                    + " events behind" + (l.eventsBehind() == 0 ? "" : String.format(java.util.Locale.ROOT,
                    ", the oldest waiting %.1f s", l.secondsBehind())));
        }
        return ExitCodes.OK;
    }

    private ShipTarget target() throws Exception {
        try {
            if (destination.kafka != null) {
                return kafkaTarget(destination.kafka);
            }
            return syslogTarget(destination.syslog);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new InputException(e.getMessage());
        }
    }

    private KafkaTarget kafkaTarget(KafkaOptions k) throws Exception {
        KafkaTarget.Builder b = KafkaTarget.builder(k.bootstrap).topic(k.topic);
        if (k.checkpointsTopic != null) {
            b.checkpointsTopic(k.checkpointsTopic);
        }
        if (k.agent != null) {
            b.agentId(k.agent);
        }
        if (k.exactlyOnce) {
            b.exactlyOnce();
        }
        if (k.config != null) {
            b.properties(KafkaConfigFile.read(k.config));
        }
        if (k.createPartitions != null) {
            b.createTopics(k.createPartitions, (short) 1);
        }
        if (targetName != null) {
            b.name(targetName);
        }
        return b.build();
    }

    private SyslogTarget syslogTarget(SyslogOptions s) throws Exception {
        int colon = s.address.lastIndexOf(':');
        int port;
        try {
            port = Integer.parseInt(s.address.substring(colon + 1));
        } catch (RuntimeException e) {
            throw new InputException("--syslog must be HOST:PORT, got '" + s.address + "'");
        }
        String host = s.address.substring(0, Math.max(colon, 0));
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1); // [::1]:6514
        }
        SyslogTarget.Builder b = SyslogTarget.builder(host, port).format(s.format)
                .replayWindow(DurationArgument.parse("--replay-window", s.replayWindow));
        if (s.ca != null) {
            if (!Files.isRegularFile(s.ca)) {
                throw new InputException(s.ca.toAbsolutePath().normalize() + ": no such certificate file");
            }
            b.trustedCertificates(s.ca);
        }
        if (s.clientCert != null) {
            if (s.clientCertPasswordEnv == null) {
                throw new InputException("--syslog-client-cert needs --syslog-client-cert-password-env VAR");
            }
            String password = System.getenv(s.clientCertPasswordEnv);
            if (password == null) {
                throw new InputException("environment variable " + s.clientCertPasswordEnv + " is not set");
            }
            b.clientCertificate(s.clientCert, password.toCharArray());
        }
        if (s.hostname != null) {
            b.hostname(s.hostname);
        }
        if (targetName != null) {
            b.name(targetName);
        }
        return b.build();
    }

    @Override
    Path resource() {
        return journal;
    }
}

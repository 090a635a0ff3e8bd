package dev.agentguard.ship.testing;

import java.nio.file.Path;
import java.util.UUID;

/**
 * One broker shared by the test classes that do not kill it, started on first use and
 * SIGKILLed when the test JVM exits.
 */
public final class SharedKafka {
    private static KafkaBroker broker;

    private SharedKafka() {
    }

    /** {@code host:port} of the shared broker. */
    public static synchronized String bootstrap() throws Exception {
        if (broker == null) {
            broker = KafkaBroker.start(Path.of("target", "kafka-shared-" + UUID.randomUUID()).toAbsolutePath());
            KafkaBroker b = broker;
            Runtime.getRuntime().addShutdownHook(new Thread(b::close));
        }
        return broker.bootstrap();
    }
}

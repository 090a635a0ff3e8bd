package dev.agentguard.ship.testing;

import dev.agentguard.ship.Shipper;
import dev.agentguard.ship.kafka.KafkaTarget;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A standalone shipper in a JVM of its own, to be SIGKILLed mid-stream. Arguments: journal
 * directory, bootstrap servers, topic, {@code at-least-once} or {@code exactly-once}, agent id.
 * Prints {@code ACKED n} each time the acknowledged event moves.
 */
public final class ShipperProcess {
    public static void main(String[] args) throws Exception {
        KafkaTarget.Builder kafka = KafkaTarget.builder(args[1]).topic(args[2]).agentId(args[4])
                .createTopics(3, (short) 1).timeout(Duration.ofSeconds(20))
                .property("delivery.timeout.ms", 60_000).property("request.timeout.ms", 10_000);
        if (args[3].equals("exactly-once")) {
            kafka.exactlyOnce();
        }
        Shipper shipper = Shipper.builder(Path.of(args[0])).target(kafka.build()).maxBatchEvents(2_000)
                .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)).registerMBean(false).start();
        System.out.println("READY");
        long printed = -1;
        while (true) {
            long next = printed + 1;
            shipper.awaitAcknowledged(next, Duration.ofSeconds(1));
            long acked = shipper.acknowledged().map(p -> p.sequence()).orElse(0L);
            if (acked != printed) {
                System.out.println("ACKED " + acked);
                System.out.flush();
                printed = acked;
            }
        }
    }
}

package dev.agentguard.ship.bench;

import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.ship.Shipper;
import dev.agentguard.ship.kafka.KafkaTarget;
import dev.agentguard.ship.testing.KafkaBroker;
import dev.agentguard.ship.testing.TestJournals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The shipping benchmark (run by {@code benchmarks/run.sh ship}): a harness rather than JMH,
 * because each measurement needs a real Kafka broker in a JVM of its own.
 *
 * <ol>
 *   <li><b>Throughput</b>: a journal of {@code -Devents=N} events (default 500,000) is shipped to
 *   a local broker from its start, at least once and exactly once (each twice, the first run to
 *   warm up); events per second from the first acknowledged batch to the last event. This is the
 *   rate a shipper sustains when it has a backlog.</li>
 *   <li><b>Append latency</b>: {@code -Dappends=N} (default 300,000) appends of one agent thread,
 *   timed one by one, with no shipper and then with a shipper in the same JVM shipping the same
 *   journal to Kafka as it grows; percentiles of both.</li>
 * </ol>
 *
 * Argument: where to write the JSON results. Scratch files go to {@code -Dscratch=DIR} (default: a
 * temporary directory).
 */
public final class ShippingBenchmark {
    public static void main(String[] args) throws Exception {
        int events = Integer.getInteger("events", 500_000);
        int appends = Integer.getInteger("appends", 300_000);
        Path scratch = Files.createTempDirectory(Path.of(System.getProperty("scratch", System.getProperty("java.io.tmpdir"))),
                "agentguard-ship-bench");
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("machine", Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("java.vm.name")
                + " " + System.getProperty("java.version"));
        try (KafkaBroker broker = KafkaBroker.start(scratch.resolve("kafka"))) {
            Path journal = scratch.resolve("backlog");
            TestJournals.write(journal, "payments-agent", events, 1000);
            for (boolean exactlyOnce : new boolean[] {false, true, false, true}) {
                String mode = exactlyOnce ? "exactly-once" : "at-least-once";
                // Each mode runs twice; the first run warms up the JIT and the broker, the second counts.
                double rate = sustainedRate(broker, journal, mode + "-" + UUID.randomUUID(), exactlyOnce);
                results.put("throughput." + mode + ".eventsPerSecond", Math.round(rate));
                System.out.printf(Locale.ROOT, "throughput %-14s %,.0f events/s%n", mode, rate);
            }
            long[] off = appendLatencies(scratch.resolve("latency-off"), appends, null);
            long[] on = appendLatencies(scratch.resolve("latency-on"), appends, broker);
            report(results, "append.shippingOff", off);
            report(results, "append.shippingOn", on);
        }
        String json = toJson(results);
        if (args.length > 0) {
            Files.writeString(Path.of(args[0]), json + "\n");
        }
        System.out.println(json);
        deleteTree(scratch);
    }

    /**
     * Events per second from the first acknowledged batch to the last event, so that connecting
     * and creating the topic are not counted: the rate a shipper keeps up with a backlog.
     */
    private static double sustainedRate(KafkaBroker broker, Path journal, String topic, boolean exactlyOnce)
            throws Exception {
        long last;
        try (var reader = dev.agentguard.audit.reader.JournalReader.open(journal)) {
            last = reader.lastSequence();
        }
        KafkaTarget.Builder b = KafkaTarget.builder(broker.bootstrap()).topic(topic).agentId("payments-agent")
                .createTopics(1, (short) 1);
        if (exactlyOnce) {
            b.exactlyOnce();
        }
        Shipper shipper = Shipper.builder(journal).target(b.build()).registerMBean(false).maxBatchEvents(20_000)
                .cursorDirectory(Files.createTempDirectory(journal.getParent(), "cursor")).start();
        try {
            if (!shipper.awaitAcknowledged(1, Duration.ofMinutes(2))) {
                throw new AssertionError("nothing acknowledged: " + shipper.lag());
            }
            long t0 = System.nanoTime();
            long first = shipper.acknowledged().orElseThrow().sequence();
            if (!shipper.awaitAcknowledged(last, Duration.ofMinutes(10))) {
                throw new AssertionError("not everything acknowledged: " + shipper.lag());
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            return (last - first) / seconds;
        } finally {
            shipper.close();
        }
    }

    /** Nanoseconds of each append by one agent thread, after a warm-up; shipping alongside when a broker is given. */
    private static long[] appendLatencies(Path dir, int n, KafkaBroker broker) throws Exception {
        try (Journal journal = TestJournals.journal(dir, 1000).open()) {
            Shipper shipper = null;
            if (broker != null) {
                KafkaTarget kafka = KafkaTarget.builder(broker.bootstrap()).topic("latency-" + UUID.randomUUID())
                        .agentId("payments-agent").createTopics(1, (short) 1).build();
                shipper = Shipper.builder(dir).target(kafka).registerMBean(false).pollInterval(Duration.ofMillis(10)).start();
            }
            try {
                EventDraft[] drafts = new EventDraft[1000];
                for (int i = 0; i < drafts.length; i++) {
                    drafts[i] = TestJournals.event("payments-agent", i);
                }
                for (int i = 0; i < n / 2; i++) {
                    journal.append(drafts[i % drafts.length]);
                }
                long[] nanos = new long[n];
                for (int i = 0; i < n; i++) {
                    long t0 = System.nanoTime();
                    journal.append(drafts[i % drafts.length]);
                    nanos[i] = System.nanoTime() - t0;
                }
                if (shipper != null && !shipper.awaitAcknowledged(journal.lastSequence(), Duration.ofMinutes(5))) {
                    throw new AssertionError("the shipper did not catch up: " + shipper.lag());
                }
                return nanos;
            } finally {
                if (shipper != null) {
                    shipper.close();
                }
            }
        }
    }

    private static void report(Map<String, Object> results, String name, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(nanos).average().orElse(0);
        long p50 = sorted[(int) (sorted.length * 0.50)];
        long p99 = sorted[(int) (sorted.length * 0.99)];
        long p999 = sorted[(int) (sorted.length * 0.999)];
        results.put(name + ".meanNanos", Math.round(mean));
        results.put(name + ".p50Nanos", p50);
        results.put(name + ".p99Nanos", p99);
        results.put(name + ".p999Nanos", p999);
        System.out.printf(Locale.ROOT, "%-20s mean %,.0f ns  p50 %,d ns  p99 %,d ns  p99.9 %,d ns  (%,d appends)%n", name,
                mean, p50, p99, p999, nanos.length);
    }

    private static String toJson(Map<String, Object> results) {
        StringBuilder sb = new StringBuilder("{");
        results.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append('"').append(k).append("\":")
                .append(v instanceof String s ? "\"" + s.replace("\"", "'") + "\"" : v));
        return sb.append('}').toString();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}

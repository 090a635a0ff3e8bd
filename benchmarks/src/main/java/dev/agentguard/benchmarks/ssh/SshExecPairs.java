package dev.agentguard.benchmarks.ssh;

import java.util.Arrays;
import java.util.Locale;

/**
 * The raw and the guarded exec of {@link SshExecBenchmark} in one JVM, run in pairs — raw then
 * guarded, guarded then raw, alternately — so that both see the same load, the same garbage
 * collections and the same CPU; it reports the quartiles of each, the median of the paired
 * differences with its 95 % confidence interval, and the means. On a shared machine, where the
 * load of other processes moves JMH's separate raw and guarded runs by more than the difference
 * between them, this is much steadier; still, one run is one JVM whose thread placement can move
 * its result by ten µs or more, so compare the medians of several runs. Not JMH: no forks, no
 * blackhole; the round trip is long enough (about 200 µs) that timing it with
 * {@link System#nanoTime()} costs nothing measurable.
 *
 * <pre>
 * java --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED \
 *      --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED -Dchronicle.disk.monitor.disable=true \
 *      -cp benchmarks/target/benchmarks.jar dev.agentguard.benchmarks.ssh.SshExecPairs [warm-up pairs] [pairs]
 * </pre>
 * Defaults: 20,000 warm-up pairs, 40,000 measured pairs (about 30 seconds).
 */
public final class SshExecPairs {

    private SshExecPairs() {
    }

    public static void main(String[] args) throws Exception {
        int warmUp = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 40_000;
        SshExecBenchmark raw = new SshExecBenchmark();
        raw.client = "raw";
        SshExecBenchmark guarded = new SshExecBenchmark();
        guarded.client = "guarded";
        raw.setUp();
        try {
            guarded.setUp();
            try {
                for (int i = 0; i < warmUp; i++) {
                    raw.exec();
                    guarded.exec();
                }
                long[] r = new long[pairs];
                long[] g = new long[pairs];
                for (int i = 0; i < pairs; i++) {
                    // Alternating who goes first keeps an order effect (a warm cache, a thread
                    // still running) out of the difference.
                    if ((i & 1) == 0) {
                        r[i] = time(raw);
                        g[i] = time(guarded);
                    } else {
                        g[i] = time(guarded);
                        r[i] = time(raw);
                    }
                }
                report(r, g);
            } finally {
                guarded.tearDown();
            }
        } finally {
            raw.tearDown();
        }
        System.exit(0); // MINA's and the journal's threads are not all daemons
    }

    private static long time(SshExecBenchmark b) throws Exception {
        long t = System.nanoTime();
        b.exec();
        return System.nanoTime() - t;
    }

    private static void report(long[] raw, long[] guarded) {
        int n = raw.length;
        long[] diff = new long[n];
        double rawSum = 0;
        double guardedSum = 0;
        for (int i = 0; i < n; i++) {
            diff[i] = guarded[i] - raw[i];
            rawSum += raw[i];
            guardedSum += guarded[i];
        }
        Arrays.sort(raw);
        Arrays.sort(guarded);
        Arrays.sort(diff);
        // Distribution-free 95 % interval of a median: order statistics n/2 ± 1.96·√n/2.
        int half = (int) Math.ceil(1.96 * Math.sqrt(n) / 2);
        // The means are what JMH's average time reports; a stall of the machine weighs on them.
        System.out.printf(Locale.ROOT, "means: raw %.1f µs, guarded %.1f µs (%+.1f %%)%n", us(rawSum / n),
                us(guardedSum / n), 100.0 * (guardedSum - rawSum) / rawSum);
        System.out.println(quartiles("raw", raw));
        System.out.println(quartiles("guarded", guarded));
        System.out.printf(Locale.ROOT, "guarded - raw, paired: median %.1f µs (95%% CI %.1f to %.1f), %+.1f %% of "
                        + "the raw median; %d pairs%n", us(diff[n / 2]), us(diff[Math.max(0, n / 2 - half)]),
                us(diff[Math.min(n - 1, n / 2 + half)]), 100.0 * diff[n / 2] / raw[n / 2], n);
    }

    private static String quartiles(String name, long[] sorted) {
        int n = sorted.length;
        return String.format(Locale.ROOT, "%-8s p25 %6.1f  p50 %6.1f  p75 %6.1f  p90 %6.1f µs", name,
                us(sorted[n / 4]), us(sorted[n / 2]), us(sorted[3 * n / 4]), us(sorted[n * 9 / 10]));
    }

    private static double us(double nanos) {
        return nanos / 1e3;
    }
}

package dev.agentguard.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/**
 * A raw and a guarded operation timed in pairs in one JVM — raw then guarded, guarded then raw,
 * alternately — so that both see the same load, the same garbage collections and the same CPU.
 * It prints the quartiles of each, the median of the paired differences with its 95 % confidence
 * interval, and the means. On a shared machine, where the load of other processes moves JMH's
 * separate raw and guarded runs by more than the difference between them, this is much steadier;
 * still, one run is one JVM whose thread placement can move its result, so compare the medians of
 * several runs. Not JMH: no forks, no blackhole; it suits round trips long enough (tens of µs and
 * more) that timing each with {@link System#nanoTime()} costs nothing measurable.
 */
public final class PairedRun {

    /** One timed operation. */
    @FunctionalInterface
    public interface Operation {
        void run() throws Exception;
    }

    private PairedRun() {
    }

    /**
     * Runs a paired harness's {@code main} and ends the JVM: with status 0 when it returned, 1
     * when it threw (after printing why). The journal's and the network libraries' threads are
     * not all daemons, so a harness that failed half way would otherwise never end.
     */
    public static void exitAfter(Operation harness) {
        int status = 0;
        try {
            harness.run();
        } catch (Throwable t) {
            t.printStackTrace();
            status = 1;
        } finally {
            System.exit(status);
        }
    }

    /** Runs {@code warmUp} untimed pairs, then {@code pairs} timed ones, and prints the report. */
    public static void run(Operation raw, Operation guarded, int warmUp, int pairs) throws Exception {
        if (warmUp < 0 || pairs < 1) {
            throw new IllegalArgumentException("need at least 0 warm-up pairs and 1 measured pair, got " + warmUp
                    + " and " + pairs);
        }
        for (int i = 0; i < warmUp; i++) {
            raw.run();
            guarded.run();
        }
        long[] r = new long[pairs];
        long[] g = new long[pairs];
        for (int i = 0; i < pairs; i++) {
            // Alternating who goes first keeps an order effect (a warm cache, a thread still
            // running) out of the difference.
            if ((i & 1) == 0) {
                r[i] = time(raw);
                g[i] = time(guarded);
            } else {
                g[i] = time(guarded);
                r[i] = time(raw);
            }
        }
        report(r, g);
    }

    private static long time(Operation op) throws Exception {
        long t = System.nanoTime();
        op.run();
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

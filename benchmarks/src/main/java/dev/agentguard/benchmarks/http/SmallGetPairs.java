package dev.agentguard.benchmarks.http;

import dev.agentguard.benchmarks.PairedRun;

/**
 * The raw and the guarded small GET of {@link HttpClientBenchmark} in one JVM, run in pairs by
 * {@link PairedRun}: the quartiles of each, the median of the paired differences with its 95 %
 * confidence interval, and the means. Each client has a loopback server of its own, set up alike,
 * in a JVM of its own.
 *
 * <pre>
 * java --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED \
 *      --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED -Dchronicle.disk.monitor.disable=true \
 *      -cp benchmarks/target/benchmarks.jar dev.agentguard.benchmarks.http.SmallGetPairs [warm-up pairs] [pairs]
 * </pre>
 * Defaults: 20,000 warm-up pairs, 60,000 measured pairs (about 20 seconds).
 */
public final class SmallGetPairs {

    private SmallGetPairs() {
    }

    public static void main(String[] args) {
        PairedRun.exitAfter(() -> pairs(args));
    }

    private static void pairs(String[] args) throws Exception {
        int warmUp = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 60_000;
        HttpClientBenchmark raw = new HttpClientBenchmark();
        raw.library = "raw";
        raw.server = "process";
        HttpClientBenchmark guarded = new HttpClientBenchmark();
        guarded.library = "guarded";
        guarded.server = "process";
        raw.startServer();
        try {
            raw.openClient(); // raw: nothing to close
            guarded.startServer();
            try {
                guarded.openClient();
                try {
                    PairedRun.run(raw::smallGet, guarded::smallGet, warmUp, pairs);
                } finally {
                    guarded.closeClient();
                }
            } finally {
                guarded.stopServer();
            }
        } finally {
            raw.stopServer();
        }
    }
}

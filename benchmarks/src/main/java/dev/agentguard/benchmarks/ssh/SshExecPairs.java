package dev.agentguard.benchmarks.ssh;

import dev.agentguard.benchmarks.PairedRun;

/**
 * The raw and the guarded exec of {@link SshExecBenchmark} in one JVM (each client's server in a
 * JVM of its own), run in pairs by
 * {@link PairedRun}: the quartiles of each, the median of the paired differences with its 95 %
 * confidence interval, and the means. One run is one JVM whose thread placement can move its
 * result by ten µs or more, so compare the medians of several runs.
 *
 * <pre>
 * java --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED \
 *      --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED -Dchronicle.disk.monitor.disable=true \
 *      -cp benchmarks/target/benchmarks.jar dev.agentguard.benchmarks.ssh.SshExecPairs [warm-up pairs] [pairs] [mode]
 * </pre>
 * Defaults: 20,000 warm-up pairs, 40,000 measured pairs (about 30 seconds). Modes: {@code pairs}
 * (the default: raw against guarded), {@code raw} (raw against raw, in a JVM that makes no guarded
 * exec: the guarded session and its journal are open, idle) and {@code raw-after-guarded} (raw against raw after as many guarded execs as
 * there are warm-up pairs: what the guard having run in the JVM does to the raw client's execs).
 */
public final class SshExecPairs {

    private SshExecPairs() {
    }

    public static void main(String[] args) {
        PairedRun.exitAfter(() -> pairs(args));
    }

    private static void pairs(String[] args) throws Exception {
        int warmUp = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 40_000;
        String mode = args.length > 2 ? args[2] : "pairs";
        if (!mode.equals("pairs") && !mode.equals("raw") && !mode.equals("raw-after-guarded")) {
            throw new IllegalArgumentException("no mode \"" + mode + "\": name pairs, raw or raw-after-guarded");
        }
        SshExecBenchmark raw = new SshExecBenchmark();
        raw.client = "raw";
        raw.server = "process";
        SshExecBenchmark guarded = new SshExecBenchmark();
        guarded.client = "guarded";
        guarded.server = "process";
        raw.setUp();
        try {
            guarded.setUp();
            try {
                if (mode.equals("pairs")) {
                    PairedRun.run(raw::exec, guarded::exec, warmUp, pairs);
                } else {
                    if (mode.equals("raw-after-guarded")) {
                        for (int i = 0; i < warmUp; i++) {
                            guarded.exec();
                        }
                    }
                    PairedRun.run(raw::exec, raw::exec, warmUp, pairs);
                }
            } finally {
                guarded.tearDown();
            }
        } finally {
            raw.tearDown();
        }
    }
}

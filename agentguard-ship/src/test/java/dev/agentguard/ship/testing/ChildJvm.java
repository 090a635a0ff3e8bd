package dev.agentguard.ship.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A class's main method in a JVM of its own, with this test's class path. Its output is read
 * by a background thread (so the child never blocks on a full pipe) and can be waited on.
 */
public final class ChildJvm implements AutoCloseable {
    private final String name;
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private boolean ended;

    private ChildJvm(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread reader = new Thread(this::drain, "child-output-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code main} with {@code jvmOptions} and {@code args}. */
    public static ChildJvm start(String name, String main, List<String> jvmOptions, String... args) throws IOException {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main);
        cmd.addAll(Arrays.asList(args));
        return new ChildJvm(name, new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    /** The Chronicle Queue flags a JVM that reads or writes a journal needs. */
    public static List<String> journalFlags() {
        return Arrays.asList(System.getProperty("agentguard.test.jvmFlags",
                "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED "
                        + "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED").trim().split("\\s+"));
    }

    private void drain() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (this) {
                    lines.add(line);
                    notifyAll();
                }
            }
        } catch (IOException ignored) {
            // the child was killed
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    /**
     * Waits for an output line that {@code wanted} accepts, scanning from line {@code from}, and
     * returns its number; fails when the child ends or the timeout passes first.
     */
    public synchronized int awaitLine(int from, Predicate<String> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int i = from;
        while (true) {
            for (; i < lines.size(); i++) {
                if (wanted.test(lines.get(i))) {
                    return i;
                }
            }
            if (ended) {
                throw new AssertionError(name + " ended without the awaited line; it printed:\n" + output());
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError(name + " did not print the awaited line within " + timeout + "; it printed:\n"
                        + tail(60));
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Output line {@code i}. */
    public synchronized String line(int i) {
        return lines.get(i);
    }

    /** Number of lines printed so far. */
    public synchronized int lineCount() {
        return lines.size();
    }

    /** Everything printed so far. */
    public synchronized String output() {
        return String.join("\n", lines);
    }

    private synchronized String tail(int n) {
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    /** Kills the child with SIGKILL and waits until it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError(name + " did not die within 30 s of SIGKILL");
        }
    }

    /** Waits for the child to exit and returns its exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(name + " did not exit within " + timeout + "; it printed:\n" + tail(60));
        }
        return process.exitValue();
    }

    /** True while the child runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Kills the child if it still runs; keeps the caller's interrupt for the caller. */
    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

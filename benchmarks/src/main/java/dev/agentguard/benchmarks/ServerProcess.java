package dev.agentguard.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A loopback server in a JVM of its own, for the round-trip benchmarks: the client under test
 * then shares the machine with the server, as any client does, but not its JVM — the garbage,
 * the JIT, the safepoints and the heap of the client's JVM (the guard's included) no longer slow
 * the server's threads, which a server elsewhere never feels.
 *
 * <p>The child runs {@code mainClass} from this JVM's class path. It prints one line
 * {@code ready <details>} once it serves, and ends when its standard input closes: when
 * {@link #close()} closes it, and when this JVM dies without closing it, so no server outlives
 * its benchmark.
 *
 * <p>Public for the benchmarks in sub-packages ({@code ssh}, {@code http}).
 */
public final class ServerProcess implements AutoCloseable {
    private static final String READY = "ready ";

    private final Process process;
    private final String details;

    private ServerProcess(Process process, String details) {
        this.process = process;
        this.details = details;
    }

    /**
     * Starts {@code mainClass} with {@code jvmFlags} and {@code args} and waits (at most 60 s) for
     * its {@code ready} line.
     *
     * @throws IOException when the child cannot start or ends before it is ready
     */
    public static ServerProcess start(Class<?> mainClass, List<String> jvmFlags, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(READY)) {
                return new ServerProcess(p, line.substring(READY.length()));
            }
        }
        p.destroyForcibly();
        throw new IOException(mainClass.getSimpleName() + " ended before it was ready (exit " + waitFor(p) + ")");
    }

    /** What the child printed after {@code ready}: its port, its key. */
    public String details() {
        return details;
    }

    /**
     * In the child: prints the {@code ready} line, then blocks until the parent closes standard
     * input (or dies).
     */
    public static void serveUntilParentCloses(String details) throws IOException {
        System.out.println(READY + details);
        System.out.flush();
        while (System.in.read() >= 0) {
            // the parent writes nothing; its end closing is the signal
        }
    }

    /** Ends the child: closes its standard input and waits (at most 10 s, then kills it). */
    @Override
    public void close() throws IOException {
        process.getOutputStream().close();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int waitFor(Process p) {
        try {
            return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}

package dev.agentguard.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
     * its {@code ready} line; the child's further output is read and dropped.
     *
     * @return the running child
     * @throws IOException when the child cannot start, or is not ready within 60 s (it is then killed)
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
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    if (!ready.isDone() && line.startsWith(READY)) {
                        ready.complete(line.substring(READY.length()));
                    }
                    // then keep reading: a child whose output pipe fills up would block
                }
                ready.completeExceptionally(new IOException(mainClass.getSimpleName() + " closed its output"));
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
        }, "server-process-output-" + mainClass.getSimpleName());
        reader.setDaemon(true);
        reader.start();
        try {
            return new ServerProcess(p, ready.get(60, TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            throw new IOException(mainClass.getSimpleName() + " was not ready within 60 s ("
                    + (e instanceof TimeoutException ? "no ready line" : e.getCause().getMessage()) + ")", e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(mainClass.getSimpleName() + ": interrupted while it started", e);
        }
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
        try {
            process.getOutputStream().close();
        } finally {
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}

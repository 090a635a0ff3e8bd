package dev.agentguard.benchmarks.http;

import dev.agentguard.audit.journal.JournalException;
import dev.agentguard.benchmarks.ForkedJvm;
import dev.agentguard.benchmarks.ServerProcess;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * What an HTTP call costs through the guarded client against the raw JDK {@code HttpClient}, on
 * a loopback server ({@link ApiServer}) in a JVM of its own or in the benchmark's (see
 * {@link #server}):
 * <ul>
 *   <li>{@link #smallGet}: a GET answered with a 45-byte JSON object, read as a string. The
 *       guard decides the request, journals intent and outcome, and masks the body.</li>
 *   <li>{@link #maskedJson1MiB}: a GET answered with a 1 MiB JSON array (a card number in every
 *       64th record), read as bytes: the guarded client masks it while it streams.</li>
 * </ul>
 * {@code library=floor} is the raw client plus only what the design makes every guarded request
 * pay ({@link FloorClient}): the least a guard can add under the design, for the latency target's
 * scale.
 * The server sets TCP_NODELAY. One journal per iteration in a scratch directory. Setup checks that the guarded
 * and floor clients really mask and the raw one does not.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {ForkedJvm.OPEN_REFLECT, ForkedJvm.EXPORT_NIO, ForkedJvm.EXPORT_REF,
        ForkedJvm.NO_DISK_MONITOR, ForkedJvm.NO_BANNER, ForkedJvm.HEAP_MIN, ForkedJvm.HEAP_MAX,
        // Without TCP_NODELAY the JDK server's header and body segments meet the client's delayed
        // ACK, and every small exchange takes about 40 ms whatever the client does.
        "-Dsun.net.httpserver.nodelay=true"})
@State(Scope.Thread)
public class HttpClientBenchmark {

    /**
     * {@code raw}: the JDK client; {@code guarded}: the same client inside a
     * {@link dev.agentguard.http.GuardedHttpClient}; {@code floor}: the raw client with the journal
     * appends and the masking alone (see above).
     */
    @Param({"raw", "guarded", "floor"})
    public String library;

    /**
     * {@code process}: the server in a JVM of its own (what the targets are read from: an API is
     * never in the agent's JVM); {@code jvm}: in the benchmark's JVM, where whatever the guard
     * costs the JVM (garbage, JIT, safepoints) slows the server's threads too.
     */
    @Param({"process", "jvm"})
    public String server;

    private ApiServer inJvmServer;
    private ServerProcess serverProcess;
    private HttpClient raw;
    private BenchClient bench;
    private HttpClient client;
    private HttpRequest small;
    private HttpRequest big;
    /** For {@code floor}: the appends and the masking around the raw client. */
    private FloorClient floor;

    @Setup(Level.Trial)
    public void startServer() throws IOException {
        String base;
        if (server.equals("process")) {
            serverProcess = ApiServer.startInOwnJvm();
            base = "http://127.0.0.1:" + Integer.parseInt(serverProcess.details());
        } else {
            inJvmServer = ApiServer.start();
            base = inJvmServer.uri("").toString();
        }
        raw = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        small = HttpRequest.newBuilder(URI.create(base + "/small")).build();
        big = HttpRequest.newBuilder(URI.create(base + "/big")).build();
    }

    @Setup(Level.Iteration)
    public void openClient() throws Exception {
        bench = BenchClient.open(library.equals("floor") ? "raw" : library, raw, "agentguard-bench-http-");
        client = bench.client();
        try {
            floor = library.equals("floor") ? FloorClient.open() : null;
            byte[] body = floor != null ? floor.send(client, big, floor.bytes) : client.send(big,
                    HttpResponse.BodyHandlers.ofByteArray()).body();
            boolean masked = !new String(body, StandardCharsets.UTF_8).contains("4111111111111111");
            if (masked == library.equals("raw")) {
                throw new IllegalStateException(library + " client: the 1 MiB body came back "
                        + (masked ? "masked" : "unmasked"));
            }
        } catch (Exception e) {
            // JMH runs no tear-down after a failed set-up: close what was opened.
            closeClient();
            throw e;
        }
    }

    @TearDown(Level.Iteration)
    public void closeClient() throws Exception {
        try {
            bench.close();
        } finally {
            if (floor != null) {
                floor.close();
                floor = null;
            }
        }
    }

    @TearDown(Level.Trial)
    public void stopServer() throws IOException {
        if (inJvmServer != null) {
            inJvmServer.close();
        }
        if (serverProcess != null) {
            serverProcess.close();
        }
    }

    @Benchmark
    public String smallGet() throws IOException, InterruptedException, JournalException {
        if (floor != null) {
            return floor.send(client, small, floor.string);
        }
        return client.send(small, HttpResponse.BodyHandlers.ofString()).body();
    }

    @Benchmark
    public byte[] maskedJson1MiB() throws IOException, InterruptedException, JournalException {
        if (floor != null) {
            return floor.send(client, big, floor.bytes);
        }
        return client.send(big, HttpResponse.BodyHandlers.ofByteArray()).body();
    }
}

package dev.agentguard.benchmarks.http;

import dev.agentguard.benchmarks.ForkedJvm;
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
import java.util.concurrent.TimeUnit;

/**
 * The guarded client's own work per request, without a network: {@link HttpClientBenchmark#smallGet}'s
 * request and 45-byte JSON answer, served at once on the calling thread by {@link StubHttpClient}
 * (the approach of HikariCP's stub JDBC driver). {@code raw} calls the stub directly;
 * {@code guarded} wraps it in a {@link dev.agentguard.http.GuardedHttpClient} that decides the request, journals intent
 * and outcome to a real journal and masks the body. The difference is the guard's CPU time per
 * request, which on a loopback round trip competes with the client's and the server's threads.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {ForkedJvm.OPEN_REFLECT, ForkedJvm.EXPORT_NIO, ForkedJvm.EXPORT_REF,
        ForkedJvm.NO_DISK_MONITOR, ForkedJvm.NO_BANNER, ForkedJvm.HEAP_MIN, ForkedJvm.HEAP_MAX})
@State(Scope.Thread)
public class HttpStubBenchmark {

    /** {@code raw}: the stub client; {@code guarded}: the stub inside a {@link dev.agentguard.http.GuardedHttpClient}. */
    @Param({"raw", "guarded"})
    public String library;

    private final HttpClient stub = new StubHttpClient("application/json", ApiServer.SMALL);
    private final HttpRequest small = HttpRequest.newBuilder(URI.create("http://127.0.0.1:8080/small")).build();
    private BenchClient bench;
    private HttpClient client;

    @Setup(Level.Iteration)
    public void openClient() throws Exception {
        bench = BenchClient.open(library, stub, "agentguard-bench-http-stub-");
        client = bench.client();
        String body = smallGet();
        if (!body.equals(new String(ApiServer.SMALL, java.nio.charset.StandardCharsets.UTF_8))) {
            throw new IllegalStateException(library + " client: the small body came back changed: " + body);
        }
    }

    @TearDown(Level.Iteration)
    public void closeClient() throws Exception {
        bench.close();
    }

    @Benchmark
    public String smallGet() throws IOException, InterruptedException {
        return client.send(small, HttpResponse.BodyHandlers.ofString()).body();
    }
}

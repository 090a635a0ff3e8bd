package dev.agentguard.benchmarks.http;

import dev.agentguard.core.masking.Masker;
import dev.agentguard.core.masking.MaskingRules;
import dev.agentguard.http.body.MaskingBodyHandler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The response-body masking alone, without a network: a 1 MiB body (a card number in every
 * 64th record) fed to {@link MaskingBodyHandler} in 16 KiB buffers, as the JDK client delivers
 * them, and collected as bytes. {@code kind=json} masks it as {@code application/json}
 * (structure-aware, field rules and detectors), {@code kind=text} as {@code text/plain}
 * (detectors); {@code kind=passthrough} is the same delivery into {@code ofByteArray} without
 * masking, the floor. Megabytes per second = 1.048576 / (ms per operation).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class BodyMaskingBenchmark {
    private static final int CHUNK = 16 * 1024;

    @Param({"json", "text", "passthrough"})
    public String kind;

    private List<ByteBuffer> chunks;
    private Masker masker;
    private HttpResponse.ResponseInfo info;
    private HttpResponse.ResponseInfo smallInfo;
    private List<ByteBuffer> smallChunk;

    @Setup
    public void prepare() {
        byte[] body = ApiServer.BIG;
        chunks = new ArrayList<>();
        for (int i = 0; i < body.length; i += CHUNK) {
            chunks.add(ByteBuffer.wrap(body, i, Math.min(CHUNK, body.length - i)).slice().asReadOnlyBuffer());
        }
        masker = MaskingRules.defaults().masker();
        String type = kind.equals("text") ? "text/plain; charset=utf-8" : "application/json";
        info = StubHttpClient.Info.of(type, body.length);
        smallInfo = StubHttpClient.Info.of(type, ApiServer.SMALL.length);
        smallChunk = List.of(ByteBuffer.wrap(ApiServer.SMALL).asReadOnlyBuffer());
        byte[] masked = mask();
        boolean clean = !new String(masked, StandardCharsets.UTF_8).contains("4111111111111111");
        if (clean == kind.equals("passthrough")) {
            throw new IllegalStateException(kind + ": the body came back " + (clean ? "masked" : "unmasked"));
        }
    }

    @Benchmark
    public byte[] mask() {
        return deliver(info, chunks);
    }

    /**
     * The fixed cost per response: {@link HttpClientBenchmark#smallGet}'s 45-byte JSON object,
     * with its {@code Content-Length}, in one buffer; in nanoseconds.
     */
    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public byte[] maskSmall() {
        return deliver(smallInfo, smallChunk);
    }

    private byte[] deliver(HttpResponse.ResponseInfo info, List<ByteBuffer> chunks) {
        HttpResponse.BodyHandler<byte[]> handler = kind.equals("passthrough") ? HttpResponse.BodyHandlers.ofByteArray()
                : MaskingBodyHandler.of(HttpResponse.BodyHandlers.ofByteArray(), masker, report -> { });
        HttpResponse.BodySubscriber<byte[]> subscriber = handler.apply(info);
        StubHttpClient.Demand feed = new StubHttpClient.Demand();
        subscriber.onSubscribe(feed);
        for (ByteBuffer chunk : chunks) {
            if (feed.cancelled || feed.requested == 0) {
                throw new IllegalStateException("the body subscriber stopped asking for buffers");
            }
            feed.requested--;
            subscriber.onNext(List.of(chunk.duplicate()));
        }
        subscriber.onComplete();
        return subscriber.getBody().toCompletableFuture().join();
    }
}

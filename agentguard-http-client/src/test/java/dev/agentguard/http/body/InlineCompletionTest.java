package dev.agentguard.http.body;

import dev.agentguard.core.masking.Masker;
import dev.agentguard.core.masking.MaskingRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bodies of the JDK's collect-everything handlers complete on the thread that delivers the body's
 * end (no handoff to the client's executor); streaming handlers keep their early body; and a body
 * the masking ends on its own still completes, failed, although the client says nothing more.
 */
class InlineCompletionTest {
    private static final Masker MASKER = MaskingRules.defaults().masker();
    private static final HttpResponse.ResponseInfo JSON = Responses.ok("Content-Type", "application/json");

    @Test
    void recognisesTheJdkHandlersWhoseBodyCompletesAtTheEnd() {
        for (HttpResponse.BodyHandler<?> h : List.of(HttpResponse.BodyHandlers.ofString(),
                HttpResponse.BodyHandlers.ofByteArray(), HttpResponse.BodyHandlers.discarding(),
                HttpResponse.BodyHandlers.replacing("x"), HttpResponse.BodyHandlers.ofFile(Path.of("unused")),
                HttpResponse.BodyHandlers.ofByteArrayConsumer(b -> { }))) {
            assertTrue(InlineCompletion.completesAtEnd(h.apply(JSON)), h.toString());
        }
        for (HttpResponse.BodyHandler<?> h : List.of(HttpResponse.BodyHandlers.ofInputStream(),
                HttpResponse.BodyHandlers.ofLines(), HttpResponse.BodyHandlers.ofPublisher(),
                HttpResponse.BodyHandlers.buffering(HttpResponse.BodyHandlers.ofString(), 10),
                (HttpResponse.BodyHandler<String>) i -> HttpResponse.BodySubscribers.mapping(
                        HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8), s -> s),
                (HttpResponse.BodyHandler<byte[]>) i -> new Drive.OneAtATime())) {
            assertFalse(InlineCompletion.completesAtEnd(h.apply(JSON)), h.toString());
        }
    }

    @Test
    void theJdksAdapterIsUsedOnlyWhereItCompletesTheBodyInLine() throws Exception {
        // JDK 17's fromSubscriber adapter completes its body inside onComplete; from JDK 22 on
        // (JDK-8317295) it completes it with completeAsync on the common pool, where the masked
        // body keeps the executor path. JDK 18 to 21 are left to the probe (an update may carry either).
        int feature = Runtime.version().feature();
        if (feature == 17) {
            assertTrue(InlineCompletion.IN_LINE, "JDK 17");
        } else if (feature >= 22) {
            assertFalse(InlineCompletion.IN_LINE, "JDK " + feature);
        }
        // What the probe says is what an adapter does here: its finisher runs on the thread that completes it, or not.
        Thread[] finisher = new Thread[1];
        HttpResponse.BodySubscriber<String> adapter = HttpResponse.BodySubscribers.fromSubscriber(
                new Drive.OneAtATime(), ignored -> {
                    finisher[0] = Thread.currentThread();
                    return "done";
                });
        adapter.onSubscribe(new Upstream());
        adapter.onComplete();
        assertEquals("done", adapter.getBody().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(finisher[0] == Thread.currentThread(), MaskingBodyHandler.jdkAdapterCompletesInLine(),
                "the finisher ran on " + finisher[0].getName());
        HttpResponse.BodySubscriber<String> s = MaskingBodyHandler.of(HttpResponse.BodyHandlers.ofString(), MASKER,
                new Reports()).apply(JSON);
        assertEquals(!InlineCompletion.IN_LINE, s instanceof MaskingBodySubscriber, s.getClass().getName());
    }

    @Test
    void anOfStringBodyIsCompleteWhenTheBodysEndReturns() {
        Reports reports = new Reports();
        HttpResponse.BodySubscriber<String> s = MaskingBodyHandler.of(HttpResponse.BodyHandlers.ofString(), MASKER,
                reports).apply(JSON);
        Upstream up = new Upstream();
        s.onSubscribe(up);
        CompletionStage<String> body = s.getBody();
        assertEquals(1, up.requested.get(), "one item at a time");
        s.onNext(List.of(bytes("{\"card\":\"4111111111111111\",")));
        assertFalse(body.toCompletableFuture().isDone());
        s.onNext(List.of(bytes("\"id\":42}")));
        s.onComplete();
        assertTrue(body.toCompletableFuture().isDone(), "completed in line, before onComplete returned");
        assertEquals("{\"card\":\"411111******1111\",\"id\":42}", body.toCompletableFuture().join());
        assertEquals(1, reports.all.size(), "reported before the agent has the body");
    }

    @Test
    void aBodyTheMaskingRefusesFailsThoughTheClientSaysNothingMore() {
        Reports reports = new Reports();
        HttpResponse.BodySubscriber<String> s = MaskingBodyHandler.of(HttpResponse.BodyHandlers.ofString(), MASKER,
                reports).apply(JSON);
        Upstream up = new Upstream();
        s.onSubscribe(up);
        s.onNext(List.of(bytes("{\"card\": ]")));
        assertTrue(up.cancelled.get(), "the client's stream is cancelled");
        // No onComplete or onError follows a cancel: the body must fail all the same, not hang.
        CompletableFuture<String> body = s.getBody().toCompletableFuture();
        assertTrue(body.isDone());
        ExecutionException e = assertThrows(ExecutionException.class, body::get);
        assertInstanceOf(UnmaskableBodyException.class, e.getCause());
        assertEquals(1, reports.all.size());
    }

    @Test
    void aReportThatFailsFailsTheBodyWithItsIOException() {
        IOException journal = new IOException("journal full");
        AtomicInteger reports = new AtomicInteger();
        HttpResponse.BodySubscriber<byte[]> s = MaskingBodyHandler.of(HttpResponse.BodyHandlers.ofByteArray(), MASKER,
                r -> {
                    reports.incrementAndGet();
                    throw new UncheckedIOException(journal);
                }).apply(JSON);
        s.onSubscribe(new Upstream());
        s.onNext(List.of(bytes("[1,2]")));
        s.onComplete();
        CompletableFuture<byte[]> body = s.getBody().toCompletableFuture();
        ExecutionException e = assertThrows(ExecutionException.class, body::get);
        assertSame(journal, e.getCause());
        assertEquals(1, reports.get());
    }

    @Test
    void aFileThatCannotBeWrittenFailsTheBodyWithItsOwnError(@TempDir Path dir) {
        // ofFile's subscriber fails its body and cancels when it cannot open the file: the agent gets its error.
        HttpResponse.BodySubscriber<Path> s = MaskingBodyHandler.of(HttpResponse.BodyHandlers.ofFile(dir), MASKER,
                new Reports()).apply(JSON);
        Upstream up = new Upstream();
        s.onSubscribe(up);
        assertTrue(up.cancelled.get());
        CompletableFuture<Path> body = s.getBody().toCompletableFuture();
        assertTrue(body.isDone(), "failed although the client says nothing more");
        ExecutionException e = assertThrows(ExecutionException.class, body::get);
        assertInstanceOf(IOException.class, e.getCause());
    }

    @Test
    void anUpstreamErrorFailsTheBody() {
        HttpResponse.BodySubscriber<String> s = MaskingBodyHandler.of(HttpResponse.BodyHandlers.ofString(), MASKER,
                new Reports()).apply(JSON);
        s.onSubscribe(new Upstream());
        s.onNext(List.of(bytes("[1,")));
        IOException reset = new IOException("connection reset");
        s.onError(reset);
        ExecutionException e = assertThrows(ExecutionException.class, () -> s.getBody().toCompletableFuture().get());
        assertSame(reset, e.getCause());
    }

    @Test
    void aStreamingHandlerStillGetsItsBodyBeforeTheBodyIsRead() throws Exception {
        HttpResponse.BodySubscriber<java.io.InputStream> s = MaskingBodyHandler.of(
                HttpResponse.BodyHandlers.ofInputStream(), MASKER, new Reports()).apply(JSON);
        s.onSubscribe(new Upstream());
        assertTrue(s.getBody().toCompletableFuture().isDone(), "the stream is handed out at once");
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A client stream that counts what is asked of it. */
    private static final class Upstream implements Flow.Subscription {
        final AtomicInteger requested = new AtomicInteger();
        final AtomicBoolean cancelled = new AtomicBoolean();

        @Override
        public void request(long n) {
            requested.incrementAndGet();
        }

        @Override
        public void cancel() {
            cancelled.set(true);
        }
    }
}

package dev.agentguard.http.body;

import dev.agentguard.core.masking.Masker;
import dev.agentguard.core.masking.MaskingRules;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A small body bound for a subscriber that only gathers it is gathered by the client and masked
 * later by the caller: the client sees the JDK's own adapter (no thread handoff), the agent's
 * subscriber sees only masked bytes, the report comes before the agent's body exists, and every
 * failure fails the body closed.
 */
class DeferredBodyTest {
    private static final Masker MASKER = MaskingRules.defaults().masker();
    private static final String CARD = "{\"card\":\"4111111111111111\",\"id\":42}";
    private static final String MASKED = "{\"card\":\"411111******1111\",\"id\":42}";

    private static HttpResponse.ResponseInfo json(long length) {
        return Responses.ok("Content-Type", "application/json", "Content-Length", Long.toString(length));
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Plays the client: subscribes, delivers {@code parts}, completes; returns the adapter's body. */
    private static <T> CompletableFuture<T> deliver(HttpResponse.BodySubscriber<T> s, String... parts) {
        s.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
            }

            @Override
            public void cancel() {
            }
        });
        for (String p : parts) {
            s.onNext(List.of(bytes(p)));
        }
        s.onComplete();
        return s.getBody().toCompletableFuture();
    }

    @Test
    void defersOnlyDeclaredSmallBodiesBoundForSubscribersThatOnlyGather() {
        MaskingBodyHandler<String> string = MaskingBodyHandler.of(HttpResponse.BodyHandlers.ofString(), MASKER, r -> { });
        assertNotNull(string.applyDeferring(json(100), 100).deferred(), "ofString, 100 of 100 bytes");
        assertNotNull(MaskingBodyHandler.of(HttpResponse.BodyHandlers.ofByteArray(), MASKER, r -> { })
                .applyDeferring(json(10), 100).deferred());
        assertNotNull(MaskingBodyHandler.of(HttpResponse.BodyHandlers.discarding(), MASKER, r -> { })
                .applyDeferring(json(10), 100).deferred());

        assertNull(string.applyDeferring(json(101), 100).deferred(), "larger than the limit: streamed");
        assertNull(string.applyDeferring(Responses.ok("Content-Type", "application/json"), 100).deferred(),
                "no Content-Length (chunked): streamed");
        assertNull(string.applyDeferring(json(10), -1).deferred(), "a caller that does not wait: streamed");
        assertEquals(MASKED, deliver(string.apply(json(CARD.length())), CARD).join(),
                "apply never defers: the body is masked as the client delivers it");
        for (HttpResponse.BodyHandler<?> h : List.of(HttpResponse.BodyHandlers.ofInputStream(),
                HttpResponse.BodyHandlers.ofLines(), HttpResponse.BodyHandlers.ofFile(Path.of("unused")),
                HttpResponse.BodyHandlers.ofByteArrayConsumer(b -> { }),
                HttpResponse.BodyHandlers.buffering(HttpResponse.BodyHandlers.ofString(), 10))) {
            assertNull(MaskingBodyHandler.of(h, MASKER, r -> { }).applyDeferring(json(10), 100).deferred(),
                    h + ": the agent may see the body, or a file, before its end");
        }
    }

    @Test
    void theClientGathersInLineAndTheCallerGetsTheMaskedBodyAfterTheReport() throws Exception {
        Reports reports = new Reports();
        List<String> seenByAgent = new java.util.ArrayList<>();
        HttpResponse.BodyHandler<String> agent = info -> HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
        MaskingBodyHandler.Application<String> a = MaskingBodyHandler.of(agent, MASKER, r -> {
            seenByAgent.add("report");
            reports.accept(r);
        }).applyDeferring(json(CARD.length()), 1024);
        DeferredBody<String> deferred = a.deferred();
        assertNotNull(deferred);
        assertSame(HttpResponse.class.getModule(), a.subscriber().getClass().getModule(),
                "the client gets its own adapter, which completes on the thread that ends the body");

        CompletableFuture<String> clientsBody = deliver(a.subscriber(), CARD.substring(0, 20), CARD.substring(20));
        assertTrue(clientsBody.isDone(), "completed in line when the body ended");
        assertNull(clientsBody.join(), "the client holds no body: the bytes are not the agent's yet");
        assertTrue(reports.all.isEmpty(), "nothing is reported before the caller masks the body");
        assertTrue(deferred.began());

        assertEquals(MASKED, deferred.body());
        BodyReport report = reports.only();
        assertEquals(CARD.length(), report.bytesReceived());
        assertEquals(1L, report.maskedCounts().values().stream().mapToLong(Long::longValue).sum());
        assertThrows(IllegalStateException.class, deferred::body, "masked once");
    }

    @Test
    void aBodyLongerThanItsContentLengthFailsClosed() throws InterruptedException {
        Reports reports = new Reports();
        MaskingBodyHandler.Application<String> a = MaskingBodyHandler.of(HttpResponse.BodyHandlers.ofString(),
                MASKER, reports).applyDeferring(json(10), 1024);

        deliver(a.subscriber(), CARD);

        IOException e = assertThrows(IOException.class, a.deferred()::body);
        assertInstanceOf(UnmaskableBodyException.class, e.getCause());
        assertTrue(e.getMessage().contains("longer than its Content-Length"), e.getMessage());
        assertFalse(e.getMessage().contains("4111111111111111"));
        assertNotNull(reports.only().failure());
    }

    @Test
    void aReportThatFailsFailsTheBodyWithItsIOException() {
        IOException journalDown = new IOException("the journal is closed");
        MaskingBodyHandler.Application<String> a = MaskingBodyHandler.of(HttpResponse.BodyHandlers.ofString(),
                MASKER, r -> {
                    throw new UncheckedIOException(journalDown);
                }).applyDeferring(json(CARD.length()), 1024);
        deliver(a.subscriber(), CARD);

        IOException e = assertThrows(IOException.class, a.deferred()::body);
        assertSame(journalDown, e.getCause(), "no body whose outcome was not recorded");
    }

    @Test
    void aBodyTheMaskingRefusesFailsWithTheRefusal() {
        MaskingBodyHandler.Application<String> a = MaskingBodyHandler.of(HttpResponse.BodyHandlers.ofString(),
                MASKER, r -> { }).applyDeferring(Responses.ok("Content-Type", "application/json",
                "Content-Encoding", "br", "Content-Length", "4"), 1024);
        deliver(a.subscriber(), "abcd");

        IOException e = assertThrows(IOException.class, a.deferred()::body);
        assertInstanceOf(UnmaskableBodyException.class, e.getCause());
    }

    @Test
    void aBodyTheClientFailedIsReportedAsFailedOnce() throws InterruptedException {
        Reports reports = new Reports();
        MaskingBodyHandler.Application<String> a = MaskingBodyHandler.of(HttpResponse.BodyHandlers.ofString(),
                MASKER, reports).applyDeferring(json(1000), 1024);
        HttpResponse.BodySubscriber<String> s = a.subscriber();
        s.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
            }

            @Override
            public void cancel() {
            }
        });
        s.onNext(List.of(bytes(CARD)));
        IOException closed = new IOException("connection closed");
        s.onError(closed);

        a.deferred().failed(closed);
        a.deferred().failed(closed);

        assertSame(closed, reports.only().failure());
        assertThrows(IllegalStateException.class, a.deferred()::body, "an unfinished body is never handed out");
    }
}

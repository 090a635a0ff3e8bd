package dev.agentguard.http.body;

import dev.agentguard.core.masking.Masker;
import dev.agentguard.core.masking.MaskingRules;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Flow rules between the client, the masking subscriber and the agent's subscriber, and the report. */
class BodyFlowTest {
    static final Masker MASKER = MaskingRules.defaults().masker();
    static final HttpResponse.ResponseInfo TEXT = Responses.ok("Content-Type", "text/plain");

    static byte[] lines(int count) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < count; i++) {
            b.append("line ").append(i).append(" card 4111111111111111\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A subscriber that records signals and asks for items only when told to. */
    static class Manual implements HttpResponse.BodySubscriber<String> {
        final CompletableFuture<String> body = new CompletableFuture<>();
        final StringBuilder text = new StringBuilder();
        final AtomicInteger items = new AtomicInteger();
        final AtomicInteger completions = new AtomicInteger();
        final AtomicInteger errors = new AtomicInteger();
        volatile Flow.Subscription subscription;
        volatile Throwable error;

        @Override
        public CompletionStage<String> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            items.incrementAndGet();
            for (ByteBuffer b : item) {
                text.append(StandardCharsets.UTF_8.decode(b));
            }
        }

        @Override
        public void onError(Throwable throwable) {
            errors.incrementAndGet();
            error = throwable;
            body.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            completions.incrementAndGet();
            body.complete(text.toString());
        }
    }

    static HttpResponse.BodySubscriber<String> subscribe(Manual agent, Flow.Publisher<List<ByteBuffer>> body, Reports reports,
                                                         HttpResponse.ResponseInfo info) {
        HttpResponse.BodySubscriber<String> masking = MaskingBodyHandler.of(i -> agent, MASKER, reports).apply(info);
        body.subscribe(masking);
        return masking;
    }

    @Test
    void deliversOnlyWhatTheAgentAsksForAndHoldsAtMostOneItemFromTheClient() throws Exception {
        ChunkedPublisher client = ChunkedPublisher.of(lines(5000), 1000);
        Manual agent = new Manual();
        Reports reports = new Reports();
        subscribe(agent, client, reports, TEXT);
        assertEquals(0, agent.items.get(), "nothing before the agent asks");
        // The masking subscriber may read ahead by one item to have one ready, never more.
        assertTrue(client.itemsSent.get() <= 2, "sent " + client.itemsSent.get());
        for (int asked = 1; asked <= 5; asked++) {
            agent.subscription.request(1);
            assertEquals(asked, agent.items.get());
            assertTrue(client.maxOutstanding.get() <= 1, "outstanding " + client.maxOutstanding.get());
        }
        int sentAfterFive = client.itemsSent.get();
        assertTrue(sentAfterFive <= 7, "a stalled agent keeps the client from sending: " + sentAfterFive);
        agent.subscription.request(Long.MAX_VALUE);
        String body = agent.body.get(10, TimeUnit.SECONDS);
        assertFalse(body.contains("4111111111111111"));
        assertEquals(5000, body.split("411111\\*\\*\\*\\*\\*\\*1111", -1).length - 1);
        assertEquals(1, agent.completions.get());
        assertEquals(5000L, reports.only().maskedCounts().get("masked.pan"));
        assertTrue(client.maxOutstanding.get() <= 1);
    }

    @Test
    void reportsOnceWhenTheBodyCompletes() throws Exception {
        Manual agent = new Manual();
        Reports reports = new Reports();
        subscribe(agent, ChunkedPublisher.of(lines(10), 7), reports, TEXT);
        agent.subscription.request(Long.MAX_VALUE);
        agent.body.get(10, TimeUnit.SECONDS);
        BodyReport report = reports.only();
        assertTrue(report.completed());
        assertNull(report.failure());
        assertEquals(lines(10).length, report.bytesReceived());
        agent.subscription.cancel(); // after the end: nothing more happens
        agent.subscription.request(5);
        assertEquals(1, reports.all.size());
        assertEquals(1, agent.completions.get());
        assertEquals(0, agent.errors.get());
    }

    @Test
    void reportsOnceAndPassesTheErrorWhenTheClientFails() throws Exception {
        IOException broken = new IOException("connection reset");
        Manual agent = new Manual();
        Reports reports = new Reports();
        subscribe(agent, ChunkedPublisher.failing(lines(10), 50, broken), reports, TEXT);
        agent.subscription.request(Long.MAX_VALUE);
        ExecutionException e = assertThrows(ExecutionException.class, () -> agent.body.get(10, TimeUnit.SECONDS));
        assertSame(broken, e.getCause());
        BodyReport report = reports.only();
        assertSame(broken, report.failure());
        assertFalse(report.cancelled());
        assertEquals(1, agent.errors.get());
        assertEquals(0, agent.completions.get());
    }

    @Test
    void cancelsTheClientAndReportsOnceWhenTheAgentClosesItsStreamEarly() throws Exception {
        ChunkedPublisher client = ChunkedPublisher.of(lines(10_000), 512);
        Reports reports = new Reports();
        HttpResponse.BodySubscriber<InputStream> subscriber = MaskingBodyHandler.of(HttpResponse.BodyHandlers.ofInputStream(),
                MASKER, reports).apply(TEXT);
        client.subscribe(subscriber);
        try (InputStream in = subscriber.getBody().toCompletableFuture().get(10, TimeUnit.SECONDS)) {
            byte[] first = in.readNBytes(100);
            assertEquals("line 0 card 411111******1111\n", new String(first, StandardCharsets.UTF_8).substring(0, 29));
        }
        assertTrue(client.cancelled.get(), "closing the stream cancels the body upstream");
        BodyReport report = reports.only();
        assertTrue(report.cancelled());
        assertNull(report.failure());
        assertFalse(report.completed());
        assertNull(report.binarySha256());
        assertTrue(report.bytesReceived() < lines(10_000).length);
    }

    @Test
    void reportsOnceWhenTheAgentCancelsBeforeAnything() throws Exception {
        ChunkedPublisher client = ChunkedPublisher.of(lines(100), 10);
        Manual agent = new Manual();
        Reports reports = new Reports();
        subscribe(agent, client, reports, TEXT);
        agent.subscription.cancel();
        agent.subscription.cancel();
        assertTrue(client.cancelled.get());
        assertTrue(reports.only().cancelled());
        assertEquals(0, agent.items.get());
        assertEquals(0, agent.completions.get() + agent.errors.get());
    }

    @Test
    void failsTheAgentOnANonPositiveRequestAsFlowRequires() throws Exception {
        ChunkedPublisher client = ChunkedPublisher.of(lines(10), 10);
        Manual agent = new Manual();
        Reports reports = new Reports();
        subscribe(agent, client, reports, TEXT);
        agent.subscription.request(0);
        assertTrue(agent.error instanceof IllegalArgumentException);
        assertEquals("request(0): demand must be positive (Flow rule 3.9)", agent.error.getMessage());
        assertTrue(client.cancelled.get());
        assertSame(agent.error, reports.only().failure());
    }

    @Test
    void failsClosedAndReportsOnceWhenTheAgentsSubscriberThrows() throws Exception {
        ChunkedPublisher client = ChunkedPublisher.of(lines(10), 10);
        Reports reports = new Reports();
        AtomicReference<Throwable> seen = new AtomicReference<>();
        Manual agent = new Manual() {
            @Override
            public void onNext(List<ByteBuffer> item) {
                throw new IllegalStateException("agent bug");
            }

            @Override
            public void onError(Throwable throwable) {
                seen.set(throwable);
                super.onError(throwable);
            }
        };
        subscribe(agent, client, reports, TEXT);
        agent.subscription.request(1);
        assertEquals("agent bug", seen.get().getMessage());
        assertTrue(client.cancelled.get());
        assertEquals("agent bug", reports.only().failure().getMessage());
    }

    @Test
    void failsTheBodyInsteadOfCompletingWhenTheReportCannotBeRecorded() throws Exception {
        Manual agent = new Manual();
        AtomicInteger calls = new AtomicInteger();
        IOException journalDown = new IOException("the journal is unavailable");
        HttpResponse.BodySubscriber<String> masking = MaskingBodyHandler.of(i -> agent, MASKER, report -> {
            calls.incrementAndGet();
            throw new UncheckedIOException(journalDown);
        }).apply(TEXT);
        ChunkedPublisher.of(lines(3), 10).subscribe(masking);
        agent.subscription.request(Long.MAX_VALUE);
        ExecutionException e = assertThrows(ExecutionException.class, () -> agent.body.get(10, TimeUnit.SECONDS));
        assertSame(journalDown, e.getCause());
        assertEquals(1, calls.get());
        assertEquals(0, agent.completions.get());
    }

    @Test
    void reportsOnceWhenTheAgentsHandlerThrowsInApply() {
        Reports reports = new Reports();
        MaskingBodyHandler<String> handler = MaskingBodyHandler.of(info -> {
            throw new IllegalStateException("no handler for you");
        }, MASKER, reports);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> handler.apply(TEXT));
        assertEquals("no handler for you", e.getMessage());
        assertEquals(1, reports.all.size());
        assertSame(e, reports.all.get(0).failure());
    }

    @Test
    void reportsOnceWhenTheClientFailsTheBodyBeforeSubscribingIt() throws Exception {
        Manual agent = new Manual();
        Reports reports = new Reports();
        HttpResponse.BodySubscriber<String> masking = MaskingBodyHandler.of(i -> agent, MASKER, reports).apply(TEXT);
        IOException reset = new IOException("connection reset");
        masking.onError(reset);
        masking.onError(reset);
        assertSame(reset, reports.only().failure());
        assertSame(reset, agent.error);
        assertEquals(1, agent.errors.get());
    }

    @Test
    void reportsOncePerResponseWhenAHandlerIsReused() throws Exception {
        Reports reports = new Reports();
        MaskingBodyHandler<String> handler = MaskingBodyHandler.of(HttpResponse.BodyHandlers.ofString(), MASKER, reports);
        for (int i = 0; i < 3; i++) {
            HttpResponse.BodySubscriber<String> s = handler.apply(TEXT);
            ChunkedPublisher.of(lines(2), 5).subscribe(s);
            s.getBody().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        assertEquals(3, reports.all.size());
    }

    @Test
    void refusesASecondSubscriptionAndKeepsTheFirst() throws Exception {
        Manual agent = new Manual();
        Reports reports = new Reports();
        HttpResponse.BodySubscriber<String> masking = subscribe(agent, ChunkedPublisher.of(lines(3), 10), reports, TEXT);
        ChunkedPublisher second = ChunkedPublisher.of(lines(3), 10);
        second.subscribe(masking);
        assertTrue(second.cancelled.get());
        agent.subscription.request(Long.MAX_VALUE);
        assertTrue(agent.body.get(10, TimeUnit.SECONDS).startsWith("line 0 card 411111******1111"));
        assertEquals(1, reports.all.size());
    }

    @Test
    void passesEmptyBodiesAndEmptyItems() throws Exception {
        for (HttpResponse.ResponseInfo info : List.of(TEXT, Responses.ok("Content-Type", "application/json"),
                Responses.ok("Content-Type", "image/png"), Responses.ok(), Responses.ok("Content-Encoding", "gzip"))) {
            Reports reports = new Reports();
            assertEquals("", Drive.run(HttpResponse.BodyHandlers.ofString(), info, ChunkedPublisher.of(new byte[0], 1), MASKER,
                    reports));
            assertTrue(reports.only().completed(), info.headers().toString());
        }
        Reports reports = new Reports();
        Flow.Publisher<List<ByteBuffer>> emptyItems = subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
            int sent;

            @Override
            public void request(long n) {
                if (sent < 3) {
                    sent++;
                    subscriber.onNext(List.of(ByteBuffer.allocate(0)));
                } else if (sent == 3) {
                    sent++;
                    subscriber.onNext(List.of(ByteBuffer.wrap("ok".getBytes(StandardCharsets.UTF_8))));
                } else if (sent == 4) {
                    sent++;
                    subscriber.onComplete();
                }
            }

            @Override
            public void cancel() {
            }
        });
        assertEquals("ok", Drive.run(HttpResponse.BodyHandlers.ofString(), TEXT, emptyItems, MASKER, reports));
    }

    @Test
    void discardingAndReplacingHandlersStillGetTheBodyMaskedAndReported() throws Exception {
        Reports reports = new Reports();
        Drive.run(HttpResponse.BodyHandlers.discarding(), TEXT, ChunkedPublisher.of(lines(4), 9), MASKER, reports);
        assertEquals(4L, reports.only().maskedCounts().get("masked.pan"));
        Reports replaced = new Reports();
        assertEquals("fixed", Drive.run(HttpResponse.BodyHandlers.replacing("fixed"), TEXT, ChunkedPublisher.of(lines(4), 9),
                MASKER, replaced));
        assertTrue(replaced.only().completed());
    }
}

package dev.agentguard.http.body;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.agentguard.core.masking.MaskStrategy;
import dev.agentguard.core.masking.Masker;
import dev.agentguard.core.masking.MaskingRules;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The masking handler behind a plain JDK HttpClient, against a real HTTP server on loopback. */
class LoopbackBodyMaskingTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Masker MASKER = MaskingRules.builder().column("cvv", MaskStrategy.NULL).build().masker();
    static final int LARGE_MIB = 20;

    static HttpServer server;
    static ExecutorService executor;
    static HttpClient client;
    static URI base;

    @BeforeAll
    static void start() throws IOException {
        executor = Executors.newFixedThreadPool(8);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/cards", LoopbackBodyMaskingTest::cards);
        server.createContext("/fixed", e -> send(e, 200, "text/plain", null,
                "card 4111111111111111\n".getBytes(StandardCharsets.UTF_8), true));
        server.createContext("/gzip", e -> send(e, 200, "application/json", "gzip",
                gzip(cardsJson(500).getBytes(StandardCharsets.UTF_8)), true));
        server.createContext("/brotli", e -> send(e, 200, "application/json", "br", new byte[] {1, 2, 3, 4}, true));
        server.createContext("/large", LoopbackBodyMaskingTest::large);
        server.createContext("/large-gzip", LoopbackBodyMaskingTest::largeGzip);
        server.createContext("/echo", e -> {
            String pan = e.getRequestURI().getQuery().substring("pan=".length());
            send(e, 200, "application/json", null, ("{\"pan\":\"" + pan + "\",\"cvv\":\"321\"}").getBytes(StandardCharsets.UTF_8),
                    false);
        });
        server.start();
        base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    static String cardsJson(int records) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < records; i++) {
            String pan = TestCards.PANS.get(i % TestCards.PANS.size());
            b.append(i == 0 ? "" : ",").append("{\"i\":").append(i).append(",\"pan\":\"").append(pan)
                    .append("\",\"cvv\":\"123\",\"ts\":1700000000004}");
        }
        return b.append(']').toString();
    }

    /** Chunked transfer: the body written in pieces, each flushed, cut inside card numbers. */
    private static void cards(HttpExchange e) throws IOException {
        byte[] body = cardsJson(300).getBytes(StandardCharsets.UTF_8);
        e.getResponseHeaders().add("Content-Type", "application/json");
        e.sendResponseHeaders(200, 0);
        try (OutputStream out = e.getResponseBody()) {
            for (int i = 0; i < body.length; i += 37) {
                out.write(body, i, Math.min(37, body.length - i));
                out.flush();
            }
        }
    }

    private static void large(HttpExchange e) throws IOException {
        e.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
        e.sendResponseHeaders(200, 0);
        byte[] line = "record with card 4111 1111 1111 1111 and order 9000000000000001 ok\n".getBytes(StandardCharsets.UTF_8);
        long total = (long) LARGE_MIB * 1024 * 1024;
        try (OutputStream out = e.getResponseBody()) {
            for (long sent = 0; sent < total; sent += line.length) {
                out.write(line);
            }
        } catch (IOException closedByClient) {
            // the cancellation test closes early
        }
    }

    private static void largeGzip(HttpExchange e) throws IOException {
        e.getResponseHeaders().add("Content-Type", "application/x-ndjson");
        e.getResponseHeaders().add("Content-Encoding", "gzip");
        e.sendResponseHeaders(200, 0);
        byte[] line = "{\"pan\":\"5555555555554444\",\"cvv\":\"999\",\"note\":\"streamed\"}\n".getBytes(StandardCharsets.UTF_8);
        long total = 8L * 1024 * 1024;
        try (GZIPOutputStream out = new GZIPOutputStream(e.getResponseBody(), 8192)) {
            for (long sent = 0; sent < total; sent += line.length) {
                out.write(line);
            }
        }
    }

    private static void send(HttpExchange e, int status, String type, String encoding, byte[] body, boolean fixedLength)
            throws IOException {
        e.getResponseHeaders().add("Content-Type", type);
        if (encoding != null) {
            e.getResponseHeaders().add("Content-Encoding", encoding);
        }
        e.sendResponseHeaders(status, fixedLength ? body.length : 0);
        try (OutputStream out = e.getResponseBody()) {
            out.write(body);
        }
    }

    static byte[] gzip(byte[] data) {
        try {
            return CompressedBodyTest.gzip(data);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static HttpRequest get(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).build();
    }

    static void assertMaskedCards(String body) throws IOException {
        JsonNode node = JSON.readTree(body);
        assertTrue(node.size() > 0);
        for (JsonNode record : node) {
            String pan = TestCards.PANS.get(record.get("i").asInt() % TestCards.PANS.size());
            assertEquals(TestCards.partial(pan), record.get("pan").asText());
            assertTrue(record.get("cvv").isNull());
            assertEquals(1700000000004L, record.get("ts").asLong());
        }
    }

    @Test
    void masksAChunkedJsonResponseInEveryHandler() throws Exception {
        Reports reports = new Reports();
        assertMaskedCards(client.send(get("/cards"), MaskingBodyHandler.of(HttpResponse.BodyHandlers.ofString(), MASKER,
                reports)).body());
        BodyReport report = reports.only();
        assertEquals(300L, report.maskedCounts().get("masked.pan"));
        assertEquals(300L, report.maskedCounts().get("masked.cvv"));
        assertEquals(BodyReport.JSON, report.contentKind());

        assertMaskedCards(new String(client.send(get("/cards"), MaskingBodyHandler.of(HttpResponse.BodyHandlers.ofByteArray(),
                MASKER, r -> { })).body(), StandardCharsets.UTF_8));
        try (InputStream in = client.send(get("/cards"), MaskingBodyHandler.of(HttpResponse.BodyHandlers.ofInputStream(),
                MASKER, r -> { })).body()) {
            assertMaskedCards(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        try (Stream<String> lines = client.send(get("/cards"), MaskingBodyHandler.of(HttpResponse.BodyHandlers.ofLines(),
                MASKER, r -> { })).body()) {
            assertMaskedCards(lines.collect(Collectors.joining("\n")));
        }
        Path file = Files.createTempFile("agentguard-loopback", ".json");
        try {
            client.send(get("/cards"), MaskingBodyHandler.of(HttpResponse.BodyHandlers.ofFile(file), MASKER, r -> { }));
            assertMaskedCards(Files.readString(file));
        } finally {
            Files.deleteIfExists(file);
        }
        assertMaskedCards(new String(Drive.collect(client.send(get("/cards"), MaskingBodyHandler.of(
                HttpResponse.BodyHandlers.ofPublisher(), MASKER, r -> { })).body()), StandardCharsets.UTF_8));
        assertMaskedCards(client.sendAsync(get("/cards"), MaskingBodyHandler.of(HttpResponse.BodyHandlers.buffering(
                HttpResponse.BodyHandlers.ofString(), 10), MASKER, r -> { })).get(30, TimeUnit.SECONDS).body());
    }

    @Test
    void dropsTheLengthOfAFixedLengthTextResponseThatWasMasked() throws Exception {
        Reports reports = new Reports();
        HttpResponse<String> response = client.send(get("/fixed"), MaskingBodyHandler.of(HttpResponse.BodyHandlers.ofString(),
                MASKER, reports));
        assertEquals("card 411111******1111\n", response.body());
        assertEquals("22", response.headers().firstValue("Content-Length").orElseThrow(), "as received");
        HttpHeaders visible = MaskingBodyHandler.visibleHeaders(response.headers());
        assertFalse(visible.firstValue("Content-Length").isPresent());
        assertEquals(22, reports.only().bytesReceived());
    }

    @Test
    void decodesAGzipResponseOffTheWire() throws Exception {
        Reports reports = new Reports();
        HttpResponse<String> response = client.send(get("/gzip"), MaskingBodyHandler.of(HttpResponse.BodyHandlers.ofString(),
                MASKER, reports));
        assertMaskedCards(response.body());
        assertFalse(MaskingBodyHandler.visibleHeaders(response.headers()).firstValue("Content-Encoding").isPresent());
        BodyReport report = reports.only();
        assertTrue(report.bytesReceived() < report.bytesDelivered(), report.toString());
        assertEquals(500L, report.maskedCounts().get("masked.pan"));
    }

    @Test
    void failsAResponseInACodingItCannotDecode() throws Exception {
        Reports reports = new Reports();
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> client.send(get("/brotli"),
                MaskingBodyHandler.of(HttpResponse.BodyHandlers.ofString(), MASKER, reports)));
        assertTrue(e instanceof UnmaskableBodyException || e.getCause() instanceof UnmaskableBodyException, e.toString());
        assertTrue(reports.only().failure() instanceof UnmaskableBodyException);
    }

    /** Sits between the client and the masking subscriber: counts demand and what is held. */
    static final class Spy<T> implements HttpResponse.BodySubscriber<T> {
        final HttpResponse.BodySubscriber<T> inner;
        final AtomicLong requested = new AtomicLong();
        final AtomicLong received = new AtomicLong();
        final AtomicLong maxOutstanding = new AtomicLong();

        Spy(HttpResponse.BodySubscriber<T> inner) {
            this.inner = inner;
        }

        @Override
        public CompletionStage<T> getBody() {
            return inner.getBody();
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            inner.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    long outstanding = requested.addAndGet(n) - received.get();
                    maxOutstanding.accumulateAndGet(outstanding, Math::max);
                    s.request(n);
                }

                @Override
                public void cancel() {
                    s.cancel();
                }
            });
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            received.incrementAndGet();
            inner.onNext(item);
        }

        @Override
        public void onError(Throwable throwable) {
            inner.onError(throwable);
        }

        @Override
        public void onComplete() {
            inner.onComplete();
        }
    }

    /** Counts what the agent's subscriber is handed. */
    static final class Sizes<T> implements HttpResponse.BodyHandler<T> {
        final HttpResponse.BodyHandler<T> inner;
        final AtomicLong largestItem = new AtomicLong();
        final AtomicLong items = new AtomicLong();

        Sizes(HttpResponse.BodyHandler<T> inner) {
            this.inner = inner;
        }

        @Override
        public HttpResponse.BodySubscriber<T> apply(HttpResponse.ResponseInfo info) {
            HttpResponse.BodySubscriber<T> s = inner.apply(info);
            return new HttpResponse.BodySubscriber<>() {
                @Override
                public CompletionStage<T> getBody() {
                    return s.getBody();
                }

                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    s.onSubscribe(subscription);
                }

                @Override
                public void onNext(List<ByteBuffer> item) {
                    items.incrementAndGet();
                    long size = 0;
                    for (ByteBuffer b : item) {
                        size += b.remaining();
                    }
                    largestItem.accumulateAndGet(size, Math::max);
                    s.onNext(item);
                }

                @Override
                public void onError(Throwable throwable) {
                    s.onError(throwable);
                }

                @Override
                public void onComplete() {
                    s.onComplete();
                }
            };
        }
    }

    @Test
    void streamsALargeBodyMaskedWithBoundedMemory() throws Exception {
        Reports reports = new Reports();
        Sizes<InputStream> sizes = new Sizes<>(HttpResponse.BodyHandlers.ofInputStream());
        List<Spy<InputStream>> spies = new ArrayList<>();
        MaskingBodyHandler<InputStream> masking = MaskingBodyHandler.of(sizes, MASKER, reports);
        HttpResponse<InputStream> response = client.send(get("/large"), info -> {
            Spy<InputStream> spy = new Spy<>(masking.apply(info));
            spies.add(spy);
            return spy;
        });
        long bytes = 0;
        long masked = 0;
        byte[] raw = "4111 1111 1111 1111".getBytes(StandardCharsets.US_ASCII);
        byte[] shown = "4111 11** **** 1111".getBytes(StandardCharsets.US_ASCII);
        try (InputStream in = response.body()) {
            byte[] buffer = new byte[64 * 1024];
            byte[] carry = new byte[0];
            int n;
            while ((n = in.read(buffer)) > 0) {
                byte[] window = new byte[carry.length + n];
                System.arraycopy(carry, 0, window, 0, carry.length);
                System.arraycopy(buffer, 0, window, carry.length, n);
                assertFalse(contains(window, raw), "a raw card number reached the agent");
                masked += count(window, shown) - count(carry, shown);
                carry = java.util.Arrays.copyOfRange(window, Math.max(0, window.length - raw.length + 1), window.length);
                bytes += n;
            }
        }
        assertTrue(bytes >= LARGE_MIB * 1024L * 1024, "read " + bytes);
        BodyReport report = reports.only();
        assertEquals(masked, report.maskedCounts().get("masked.pan"));
        assertEquals(bytes, report.bytesDelivered());
        // Memory by design: the masking subscriber never asks the client for more than one item ahead,
        // and hands the agent items of a bounded size, whatever the body's length.
        assertEquals(1, spies.size());
        assertTrue(spies.get(0).maxOutstanding.get() <= 1, "outstanding " + spies.get(0).maxOutstanding.get());
        assertTrue(sizes.largestItem.get() <= 256 * 1024, "largest item " + sizes.largestItem.get());
        assertTrue(sizes.items.get() > 100, "items " + sizes.items.get());
    }

    @Test
    void streamsALargeGzipBodyDecodedAndMasked() throws Exception {
        Reports reports = new Reports();
        Sizes<InputStream> sizes = new Sizes<>(HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<InputStream> response = client.send(get("/large-gzip"), MaskingBodyHandler.of(sizes, MASKER, reports));
        long lines = 0;
        try (Stream<String> text = new java.io.BufferedReader(new java.io.InputStreamReader(response.body(),
                StandardCharsets.UTF_8)).lines()) {
            for (String line : (Iterable<String>) text::iterator) {
                if (lines % 10_000 == 0) {
                    JsonNode node = JSON.readTree(line);
                    assertEquals("555555******4444", node.get("pan").asText());
                    assertTrue(node.get("cvv").isNull());
                }
                assertFalse(line.contains("5555555555554444"));
                lines++;
            }
        }
        BodyReport report = reports.only();
        assertEquals(lines, report.maskedCounts().get("masked.pan"));
        assertEquals(lines, report.maskedCounts().get("masked.cvv"));
        assertTrue(report.bytesReceived() * 20 < report.bytesDelivered(), report.toString());
        assertTrue(sizes.largestItem.get() <= 256 * 1024, "largest item " + sizes.largestItem.get());
    }

    @Test
    void cancelsTheResponseAndReportsItWhenTheAgentClosesItsStreamEarly() throws Exception {
        Reports reports = new Reports();
        HttpResponse<InputStream> response = client.send(get("/large"), MaskingBodyHandler.of(
                HttpResponse.BodyHandlers.ofInputStream(), MASKER, reports));
        try (InputStream in = response.body()) {
            byte[] start = in.readNBytes(64);
            assertTrue(new String(start, StandardCharsets.UTF_8).startsWith("record with card 4111 11** **** 1111"));
        }
        BodyReport report = reports.only();
        assertTrue(report.cancelled());
        assertTrue(report.bytesReceived() < LARGE_MIB * 1024L * 1024);
    }

    @Test
    void masksManyConcurrentResponsesWithoutCrossingThem() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        Reports reports = new Reports();
        AtomicInteger n = new AtomicInteger();
        for (int i = 0; i < 32; i++) {
            String pan = TestCards.PANS.get(i % TestCards.PANS.size());
            calls.add(client.sendAsync(get("/echo?pan=" + pan), MaskingBodyHandler.of(HttpResponse.BodyHandlers.ofString(),
                    MASKER, r -> {
                        n.incrementAndGet();
                        reports.accept(r);
                    })));
        }
        for (int i = 0; i < calls.size(); i++) {
            JsonNode node = JSON.readTree(calls.get(i).get(30, TimeUnit.SECONDS).body());
            assertEquals(TestCards.partial(TestCards.PANS.get(i % TestCards.PANS.size())), node.get("pan").asText());
            assertTrue(node.get("cvv").isNull());
        }
        assertEquals(32, n.get());
        for (BodyReport r : reports.all) {
            assertTrue(r.completed());
            assertEquals(1L, r.maskedCounts().get("masked.pan"));
        }
    }

    static boolean contains(byte[] haystack, byte[] needle) {
        return count(haystack, needle) > 0;
    }

    static int count(byte[] haystack, byte[] needle) {
        int found = 0;
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (haystack[i + k] != needle[k]) {
                    continue outer;
                }
            }
            found++;
        }
        return found;
    }
}

package dev.agentguard.http;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Outcome;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

import static dev.agentguard.junit.JournalAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every body handler the agent passes is wrapped by the masking handler, and its report is the outcome event. */
class ResponseMaskingTest {

    private static final String PAN = "4111111111111111";
    private static final String CARD_JSON = "{\"card\":{\"pan\":\"" + PAN + "\",\"holder\":\"A. Customer\"}}";

    @TempJournal
    Journal journal;

    private LoopbackServer server;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackServer.http();
        server.route("/v1/cards/", r -> LoopbackServer.Reply.json(CARD_JSON));
        server.route("/hop/card", r -> LoopbackServer.Reply.redirect(302, "/v1/cards/1"));
        server.route("/v1/gzip", r -> new LoopbackServer.Reply(200, Map.of("Content-Type", "application/json",
                "Content-Encoding", "gzip"), gzip(CARD_JSON)));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private AuditEvent lastOutcome() {
        List<AuditEvent> events = Agents.httpEvents(journal);
        AuditEvent last = events.get(events.size() - 1);
        assertEquals(Phase.OUTCOME, last.phase());
        return last;
    }

    @Test
    void masksACardNumberInTheResponseWhateverTheHandler() throws Exception {
        GuardedHttpClient http = Agents.client(journal).build();
        HttpRequest request = HttpRequest.newBuilder(server.uri("/v1/cards/1")).build();

        String text = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        byte[] bytes = http.send(request, HttpResponse.BodyHandlers.ofByteArray()).body();
        String streamed;
        try (InputStream in = http.send(request, HttpResponse.BodyHandlers.ofInputStream()).body()) {
            streamed = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String async = http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).get().body();

        for (String body : List.of(text, new String(bytes, StandardCharsets.UTF_8), streamed, async)) {
            assertFalse(body.contains(PAN), body);
            assertTrue(body.contains("A. Customer"), body);
        }
        assertThat(journal).containsNoPan()
                .hasExactly(4).eventsMatching(e -> e.phase(Phase.OUTCOME).decision(Decision.MASKED)
                        .where("counts the masked value", ev -> ev.counts().entrySet().stream()
                                .anyMatch(c -> c.getKey().startsWith("masked.") && c.getValue() == 1)));
    }

    @Test
    void aSmallBodyCutShortIsAFailedOutcomeAndNoneOfItReachesTheAgentOrTheJournal() throws Exception {
        // Promises 1,000 bytes, sends a card number and hangs up: the body ends in an error mid-way.
        byte[] head = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                + "{\"pan\":\"" + PAN + "\",").getBytes(StandardCharsets.US_ASCII);
        try (ServerSocket cutter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            cutter.setSoTimeout(10_000); // a client that never connects fails the test, not hangs it
            Thread serve = new Thread(() -> {
                try (Socket s = cutter.accept()) {
                    InputStream in = s.getInputStream();
                    int last4 = 0;
                    while (last4 != 0x0d0a0d0a) { // read the request head
                        int b = in.read();
                        if (b < 0) {
                            return;
                        }
                        last4 = (last4 << 8) | b;
                    }
                    s.getOutputStream().write(head);
                    s.getOutputStream().flush();
                } catch (IOException ignored) {
                    // the test fails on what the client saw
                }
            }, "cut-short-server");
            serve.setDaemon(true);
            serve.start();
            GuardedHttpClient http = Agents.client(journal).build();
            URI uri = new URI("http", null, cutter.getInetAddress().getHostAddress(), cutter.getLocalPort(),
                    "/v1/cards/1", null, null);

            IOException e = assertThrows(IOException.class,
                    () -> http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()));
            serve.join(10_000);

            assertFalse(serve.isAlive(), "the server saw the request and answered");
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            assertFalse(trace.toString().contains(PAN), "no card number in the exception or its causes");
            AuditEvent outcome = lastOutcome();
            assertEquals(Outcome.FAILURE, outcome.outcome());
            assertTrue(outcome.error().startsWith("the response body failed"), outcome.error());
            assertEquals(200L, outcome.count("http.status").orElseThrow());
            assertThat(journal).containsNoPan()
                    .hasExactly(1).eventsMatching(ev -> ev.phase(Phase.OUTCOME));
        }
    }

    @Test
    void masksTheBodyAtTheEndOfARedirectChain() throws Exception {
        GuardedHttpClient http = Agents.client(journal).followRedirects(HttpClient.Redirect.NORMAL).build();

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.uri("/hop/card")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertFalse(response.body().contains(PAN));
        assertEquals(1L, lastOutcome().count("http.hop").orElseThrow());
        assertEquals(Decision.MASKED, lastOutcome().decision());
    }

    @Test
    void decodesAGzipBodyTheAgentAskedForBeforeMaskingIt() throws Exception {
        GuardedHttpClient http = Agents.client(journal).build();

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.uri("/v1/gzip"))
                .header("Accept-Encoding", "gzip").build(), HttpResponse.BodyHandlers.ofString());

        assertEquals("gzip", server.received("/v1/gzip").get(0).header("accept-encoding"));
        assertFalse(response.body().contains(PAN));
        assertTrue(response.body().startsWith("{\"card\":"), response.body());
        assertFalse(response.headers().firstValue("content-encoding").isPresent(),
                "the agent sees headers that describe the body it reads");
        AuditEvent outcome = lastOutcome();
        assertEquals((long) gzip(CARD_JSON).length, outcome.count("bytes.received").orElseThrow());
        assertEquals((long) response.body().getBytes(StandardCharsets.UTF_8).length,
                outcome.count("bytes.delivered").orElseThrow(), "delivered counts the decoded, masked body");
    }

    @Test
    void aBinaryBodyPassesThroughAndItsSha256AndKindAreOnTheOutcomeEvent() throws Exception {
        byte[] png = new byte[4096];
        new java.util.Random(7).nextBytes(png);
        server.route("/v1/receipt.png", r -> new LoopbackServer.Reply(200, Map.of("Content-Type", "image/png"), png));
        GuardedHttpClient http = Agents.client(journal).build();

        byte[] got = http.send(HttpRequest.newBuilder(server.uri("/v1/receipt.png")).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body();

        assertEquals(java.util.HexFormat.of().formatHex(png), java.util.HexFormat.of().formatHex(got));
        String sha256 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(png));
        AuditEvent outcome = lastOutcome();
        assertEquals(sha256, outcome.extensions().get(HopOutcome.BODY_SHA256));
        assertEquals("binary", outcome.extensions().get(HopOutcome.BODY_KIND));
    }

    @Test
    void aMaskedJsonBodyIsJournaledByKindWithoutAHash() throws Exception {
        GuardedHttpClient http = Agents.client(journal).build();

        http.send(HttpRequest.newBuilder(server.uri("/v1/cards/1")).build(), HttpResponse.BodyHandlers.ofString());

        AuditEvent outcome = lastOutcome();
        assertEquals("json", outcome.extensions().get(HopOutcome.BODY_KIND));
        assertEquals(null, outcome.extensions().get(HopOutcome.BODY_SHA256), "a hash of a masked body's raw bytes "
                + "could be checked against guessed card numbers");
    }
}

package dev.agentguard.http;

import dev.agentguard.audit.journal.Journal;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.agentguard.junit.JournalAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An agent trying to get past the guard: odd paths, forged requests, smuggled headers, credentials in URLs. */
class AdversarialTest {

    @TempJournal
    Journal journal;

    private LoopbackServer server;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackServer.http();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** A request object the agent wrote itself: headers the JDK builder would refuse, answers that change. */
    private static final class ForgedRequest extends HttpRequest {
        private final List<URI> uris;
        private final Map<String, List<String>> headers;
        private final BodyPublisher body;
        private final AtomicInteger reads = new AtomicInteger();

        ForgedRequest(List<URI> uris, Map<String, List<String>> headers, BodyPublisher body) {
            this.uris = uris;
            this.headers = headers;
            this.body = body;
        }

        @Override
        public Optional<BodyPublisher> bodyPublisher() {
            return Optional.ofNullable(body);
        }

        @Override
        public String method() {
            return body == null ? "GET" : "POST";
        }

        @Override
        public Optional<Duration> timeout() {
            return Optional.empty();
        }

        @Override
        public boolean expectContinue() {
            return false;
        }

        @Override
        public URI uri() {
            return uris.get(Math.min(reads.getAndIncrement(), uris.size() - 1));
        }

        @Override
        public Optional<HttpClient.Version> version() {
            return Optional.empty();
        }

        @Override
        public HttpHeaders headers() {
            return HttpHeaders.of(headers, (a, b) -> true);
        }
    }

    @Test
    void noPathTrickReachesTheAdminApi() throws Exception {
        GuardedHttpClient http = Agents.client(journal).build();
        List<String> tricks = List.of("/admin/users", "/v1/../admin/users", "/v1/%2e%2e/admin/users",
                "/v1/%2E%2E/admin/users", "//admin/users", "/ADMIN/users", "/Admin/Users", "/admin%2fusers",
                "/%61dmin/users", "/v1/..;/admin/users", "/v1/./../admin/users", "/v1/../../admin/users",
                "/public/..%2fadmin/users", "/v1/orders/../../admin");

        for (String path : tricks) {
            HttpPolicyViolationException e = assertThrows(HttpPolicyViolationException.class, () -> http.send(
                    HttpRequest.newBuilder(server.uri(path)).build(), HttpResponse.BodyHandlers.discarding()), path);
            assertEquals("no-admin", e.ruleId(), path);
        }
        assertTrue(server.received().isEmpty(), "no trick reached the server");
    }

    @Test
    void theServerRoutesOnTheHostThePolicyDecidedWhateverHostHeaderTheAgentForges() throws Exception {
        GuardedHttpClient http = Agents.client(journal).build();
        ForgedRequest forged = new ForgedRequest(List.of(server.uri("/echo/orders")), Map.of(
                "Host", List.of("admin.internal"), "Transfer-Encoding", List.of("chunked"),
                "Content-Length", List.of("3"), "Connection", List.of("Upgrade"), "Upgrade", List.of("websocket"),
                "Range", List.of("bytes=0-3"), "X-Request", List.of("r-9")),
                HttpRequest.BodyPublishers.ofString("0123456789"));

        http.send(forged, HttpResponse.BodyHandlers.discarding());

        LoopbackServer.Received got = server.received().get(0);
        assertEquals("127.0.0.1:" + server.port(), got.header("host"));
        assertNull(got.header("transfer-encoding"));
        assertTrue(got.header("upgrade") == null || got.header("upgrade").equals("h2c"),
                "only the client's own HTTP/2 upgrade, never the agent's: " + got.header("upgrade"));
        assertNull(got.header("range"), "ranges would let the agent read a masked value in pieces");
        assertEquals("10", got.header("content-length"));
        assertEquals("0123456789", got.bodyText());
        assertEquals("r-9", got.header("x-request"));
    }

    @Test
    void sendsExactlyTheUriThatWasDecidedEvenIfTheRequestAnswersDifferentlyLater() throws Exception {
        GuardedHttpClient http = Agents.client(journal).build();
        ForgedRequest shifty = new ForgedRequest(List.of(server.uri("/v1/orders"), server.uri("/admin/users")),
                Map.of(), null);

        http.send(shifty, HttpResponse.BodyHandlers.discarding());

        assertEquals(1, server.received().size());
        assertEquals("/v1/orders", server.received().get(0).rawPath());
        assertTrue(server.received("/admin/users").isEmpty());
    }

    @Test
    void refusesCredentialsInTheUrlWithoutSendingOrEchoingThem() {
        GuardedHttpClient http = Agents.client(journal).build();
        URI withUser = URI.create("http://svc:hunter2@127.0.0.1:" + server.port() + "/v1/orders");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> http.send(
                HttpRequest.newBuilder(withUser).build(), HttpResponse.BodyHandlers.discarding()));

        assertEquals("the request URI carries user information (user:password@host), which is refused: the guard owns "
                + "credentials; the operator configures them per target (GuardedHttpClient.Builder.credential)",
                e.getMessage());
        assertTrue(server.received().isEmpty());
        assertThat(journal).containsNoMatch(java.util.regex.Pattern.compile("hunter2"));
    }

    @Test
    void decidesALowerCaseMethodAsTheMethodItNames() throws Exception {
        GuardedHttpClient http = Agents.client(journal).build();

        HttpPolicyViolationException e = assertThrows(HttpPolicyViolationException.class, () -> http.send(
                HttpRequest.newBuilder(server.uri("/v1/orders/7")).method("delete", HttpRequest.BodyPublishers.noBody())
                        .build(), HttpResponse.BodyHandlers.discarding()));

        assertEquals("default", e.ruleId());
        assertTrue(server.received().isEmpty());
    }

    @Test
    void refusesAQueryThatSwitchesOnDebuggingHoweverItIsSpelled() throws Exception {
        GuardedHttpClient http = Agents.client(journal).build();

        for (String query : List.of("?debug=1", "?x=1&debug", "?%64ebug=true")) {
            HttpPolicyViolationException e = assertThrows(HttpPolicyViolationException.class, () -> http.send(
                    HttpRequest.newBuilder(server.uri("/v1/orders" + query)).build(),
                    HttpResponse.BodyHandlers.discarding()), query);
            assertEquals("no-debug-switch", e.ruleId(), query);
        }
        assertTrue(server.received().isEmpty());
    }

    @Test
    void sendsNoMoreBodyThanTheLengthThatWasDecided() throws Exception {
        GuardedHttpClient http = Agents.client(journal).policy(TestPolicies.parse("""
                policy: uploads-only
                version: 1
                default: deny
                rules:
                  - id: small-uploads
                    allow: { http: { methods: [PUT], maxBodySize: 1024 } }
                """)).build();
        byte[] big = new byte[100_000];
        AtomicInteger asked = new AtomicInteger();
        HttpRequest.BodyPublisher liar = new HttpRequest.BodyPublisher() {
            private final HttpRequest.BodyPublisher real = HttpRequest.BodyPublishers.ofByteArray(big);

            @Override
            public long contentLength() {
                return asked.getAndIncrement() == 0 ? 10 : big.length; // small when decided, large when sent
            }

            @Override
            public void subscribe(java.util.concurrent.Flow.Subscriber<? super java.nio.ByteBuffer> subscriber) {
                real.subscribe(subscriber);
            }
        };

        assertThrows(java.io.IOException.class, () -> http.send(HttpRequest.newBuilder(server.uri("/files/a"))
                .PUT(liar).build(), HttpResponse.BodyHandlers.discarding()));

        assertEquals(1, asked.get(), "the length is asked once, and that length is the one sent");
        for (LoopbackServer.Received r : server.received()) {
            assertTrue(r.body().length <= 10, "the server got " + r.body().length + " bytes");
        }
    }
}

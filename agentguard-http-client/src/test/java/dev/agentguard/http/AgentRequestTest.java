package dev.agentguard.http;

import dev.agentguard.core.action.HttpAction;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A request's URI is read into its action once, when the request is read: that action is the one
 * a request without a body is decided on, and a URI the guard cannot decide on is still refused
 * right there, with the same message as before.
 */
class AgentRequestTest {

    @Test
    void theBodylessActionIsTheOneTheDecisionWouldMake() {
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://api.example.com/v1/orders?id=7"))
                .header("X-HTTP-Method-Override", "DELETE").GET().build();
        AgentRequest snapshot = AgentRequest.snapshot(request);
        HttpAction expected = HttpAction.of("GET", request.uri(), request.headers().map(), 0, Map.of());
        assertEquals(expected, snapshot.bodylessAction());
        assertEquals(List.of("DELETE"), List.copyOf(snapshot.bodylessAction().methodOverrides()));
    }

    @Test
    void aHostTheGuardCannotDecideOnIsRefusedWhenTheRequestIsRead() {
        for (String uri : List.of("http://0177.0.0.1/", "http://0.0.0.0/", "http://[::]:8080/")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AgentRequest.snapshot(HttpRequest.newBuilder(URI.create(uri)).build()), uri);
            assertTrue(e.getMessage().startsWith("the request URI: HTTP host"), e.getMessage());
        }
    }

    @Test
    void aMethodTheActionRefusesIsLeftToTheDecision() {
        AgentRequest snapshot = AgentRequest.snapshot(new Custom(URI.create("https://api.example.com/"), "GE T"));
        assertNull(snapshot.bodylessAction());
        assertThrows(IllegalArgumentException.class,
                () -> HttpAction.of(snapshot.method(), snapshot.uri(), snapshot.headers().map(), 0, Map.of()));
        assertNotNull(AgentRequest.snapshot(new Custom(URI.create("https://api.example.com/"), "GET")).bodylessAction());
    }

    /** A request that no builder checked. */
    private static final class Custom extends HttpRequest {
        private final URI uri;
        private final String method;

        Custom(URI uri, String method) {
            this.uri = uri;
            this.method = method;
        }

        @Override
        public Optional<BodyPublisher> bodyPublisher() {
            return Optional.empty();
        }

        @Override
        public String method() {
            return method;
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
            return uri;
        }

        @Override
        public Optional<HttpClient.Version> version() {
            return Optional.empty();
        }

        @Override
        public HttpHeaders headers() {
            return HttpHeaders.of(Map.of(), (a, b) -> true);
        }
    }
}

package dev.agentguard.http;

import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.policy.Effect;
import dev.agentguard.core.policy.HttpCondition;
import dev.agentguard.core.policy.Policy;
import dev.agentguard.core.policy.Rule;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static dev.agentguard.junit.JournalAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On the wire: a method rule is not passed by a POST that asks the server, through a
 * method-override header or a {@code _method} parameter, to run another method. The guard decides
 * on every method the request names, and sends the headers of a request it allows unchanged.
 */
class MethodOverrideWireTest {

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

    private GuardedHttpClient client(Policy policy) {
        return GuardedHttpClient.builder().client(HttpClient.newHttpClient()).name("orders")
                .identity(Agents.PAYMENTS_AGENT).policy(policy).journal(journal).build();
    }

    private static Policy noDelete() {
        return Policy.builder().name("no-delete").defaultEffect(Effect.ALLOW)
                .rule(Rule.deny("no-delete").http(HttpCondition.builder().methods("DELETE"))).build();
    }

    private HttpRequest post(String path, String header, String value) {
        return HttpRequest.newBuilder(server.uri(path)).header(header, value)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override", "X_HTTP_METHOD_OVERRIDE",
            "x-http-method-override"})
    void aDeleteInAnOverrideHeaderIsDeniedAndNothingIsSent(String header) throws Exception {
        try (GuardedHttpClient http = client(noDelete())) {
            HttpPolicyViolationException e = assertThrows(HttpPolicyViolationException.class, () -> http.send(
                    post("/v1/orders/1", header, "DELETE"), HttpResponse.BodyHandlers.ofString()));

            assertEquals("no-delete", e.ruleId());
            assertEquals("denied by rule \"no-delete\": POST http://127.0.0.1:" + server.port() + " overridden to DELETE",
                    e.getMessage());
            assertTrue(server.received().isEmpty(), "the overridden request was sent");
            assertThat(journal).hasExactly(1).eventsMatching(ev -> ev.phase(Phase.INTENT).decision(Decision.DENIED)
                    .rule("no-delete"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"delete", "GET, DELETE", "", "D E L"})
    void everyValueThatNamesOrHidesADeleteIsDenied(String value) throws Exception {
        try (GuardedHttpClient http = client(noDelete())) {
            assertThrows(HttpPolicyViolationException.class, () -> http.send(
                    post("/v1/orders/1", "X-HTTP-Method-Override", value), HttpResponse.BodyHandlers.ofString()));
            assertTrue(server.received().isEmpty());
        }
    }

    @Test
    void aDeleteInTheMethodParameterIsDenied() throws Exception {
        try (GuardedHttpClient http = client(noDelete())) {
            assertThrows(HttpPolicyViolationException.class, () -> http.send(HttpRequest.newBuilder(
                    server.uri("/v1/orders/1?_method=DELETE")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString()));
            assertTrue(server.received().isEmpty());
        }
    }

    @Test
    void anAllowedOverrideGoesOutUnchanged() throws Exception {
        try (GuardedHttpClient http = client(noDelete())) {
            HttpResponse<String> response = http.send(post("/v1/orders/1", "X-HTTP-Method-Override", "PATCH"),
                    HttpResponse.BodyHandlers.ofString());

            assertEquals(200, response.statusCode());
            LoopbackServer.Received r = server.received("/v1/orders/1").get(0);
            assertEquals("POST", r.method());
            assertEquals("PATCH", r.header("x-http-method-override"));
        }
    }

    @Test
    void anAllowRuleMustListTheOverridingMethodToo() throws Exception {
        Policy policy = Policy.builder().name("create-only").defaultEffect(Effect.DENY)
                .rule(Rule.allow("create-orders").http(HttpCondition.builder().methods("POST").paths("/v1/orders/**")))
                .build();
        try (GuardedHttpClient http = client(policy)) {
            HttpPolicyViolationException e = assertThrows(HttpPolicyViolationException.class, () -> http.send(
                    post("/v1/orders/1", "X-HTTP-Method", "DELETE"), HttpResponse.BodyHandlers.ofString()));
            assertEquals("default", e.ruleId());
            assertTrue(server.received().isEmpty());

            http.send(post("/v1/orders/2", "X-Request-Id", "r-1"), HttpResponse.BodyHandlers.ofString());
            assertEquals(1, server.received("/v1/orders/2").size());
        }
    }

    /** A 303 turns the POST into a GET and keeps its headers: the hop is decided with the override again. */
    @Test
    void aRedirectHopKeepsTheOverrideInItsDecision() throws Exception {
        server.route("/v1/orders/1", r -> LoopbackServer.Reply.redirect(303, "/v1/orders/2"));
        Policy policy = Policy.builder().name("no-delete-2").defaultEffect(Effect.ALLOW)
                .rule(Rule.deny("no-delete-2").http(HttpCondition.builder().methods("DELETE").paths("/v1/orders/2")))
                .build();
        try (GuardedHttpClient http = GuardedHttpClient.builder().client(HttpClient.newHttpClient()).name("orders")
                .identity(Agents.PAYMENTS_AGENT).policy(policy).journal(journal)
                .followRedirects(HttpClient.Redirect.NORMAL).build()) {
            HttpPolicyViolationException e = assertThrows(HttpPolicyViolationException.class, () -> http.send(
                    post("/v1/orders/1", "X-HTTP-Method-Override", "DELETE"), HttpResponse.BodyHandlers.ofString()));

            assertEquals("no-delete-2", e.ruleId());
            assertEquals(1, server.received("/v1/orders/1").size());
            assertTrue(server.received("/v1/orders/2").isEmpty(), "the denied hop was sent");
        }
    }
}

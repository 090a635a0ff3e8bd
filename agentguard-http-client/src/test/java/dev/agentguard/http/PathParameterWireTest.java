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
 * On the wire: a path rule is not passed by {@code ;parameters} or a trailing slash, which
 * servlet containers and many frameworks route to the denied path; the request goes out, and is
 * journaled, as the agent wrote it.
 */
class PathParameterWireTest {

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
        return GuardedHttpClient.builder().client(HttpClient.newHttpClient()).name("paths")
                .identity(Agents.PAYMENTS_AGENT).policy(policy).journal(journal).build();
    }

    private static Policy noAdmin() {
        return Policy.builder().name("no-admin").defaultEffect(Effect.ALLOW)
                .rule(Rule.deny("no-admin").http(HttpCondition.builder().paths("/admin/**")))
                .rule(Rule.deny("no-refunds").http(HttpCondition.builder().methods("POST").paths("/v1/refunds")))
                .build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/admin;x/users", "/admin;jsessionid=1", "/admin%3Bx/users", "/admin;x%2F..%2F/users",
            "/;x/admin/users", "/ADMIN;x/"})
    void aDeniedPathIsNotReachedWithParameters(String path) throws Exception {
        try (GuardedHttpClient http = client(noAdmin())) {
            HttpPolicyViolationException e = assertThrows(HttpPolicyViolationException.class, () -> http.send(
                    HttpRequest.newBuilder(server.uri(path)).build(), HttpResponse.BodyHandlers.ofString()));

            assertEquals("no-admin", e.ruleId());
            assertTrue(server.received().isEmpty(), "the denied path was reached");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/refunds/", "/v1/refunds;x", "/v1;x/refunds", "/v1/refunds%3B/"})
    void aDeniedPathIsNotReachedWithATrailingSlashOrParameters(String path) throws Exception {
        try (GuardedHttpClient http = client(noAdmin())) {
            HttpPolicyViolationException e = assertThrows(HttpPolicyViolationException.class, () -> http.send(
                    HttpRequest.newBuilder(server.uri(path)).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString()));

            assertEquals("no-refunds", e.ruleId());
            assertTrue(server.received().isEmpty(), "the denied path was reached");
        }
    }

    @Test
    void anAllowedRequestGoesOutAndIsJournaledAsWritten() throws Exception {
        Policy policy = Policy.builder().name("orders").defaultEffect(Effect.DENY)
                .rule(Rule.allow("read-orders").http(HttpCondition.builder().methods("GET").paths("/v1/orders/**")))
                .build();
        try (GuardedHttpClient http = client(policy)) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.uri("/v1/orders/7;v=2")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertEquals(200, response.statusCode());
            assertEquals(1, server.received("/v1/orders/7;v=2").size());
            assertThat(journal).hasExactly(1).eventsMatching(ev -> ev.phase(Phase.INTENT).decision(Decision.ALLOWED)
                    .action("GET http://127.0.0.1:" + server.port() + "/v1/orders/7;v=2"));
        }
    }

    /** A server that keeps parameters routes these outside /v1/orders: an allow rule on it does not cover them. */
    @ParameterizedTest
    @ValueSource(strings = {"/v1/orders;x", "/v1/orders/", "/v1/orders%3Bx", "/v1;x/orders"})
    void anAllowRuleDoesNotCoverWhatSomeServerRoutesElsewhere(String path) throws Exception {
        Policy policy = Policy.builder().name("orders").defaultEffect(Effect.DENY)
                .rule(Rule.allow("read-orders").http(HttpCondition.builder().methods("GET").paths("/v1/orders")))
                .build();
        try (GuardedHttpClient http = client(policy)) {
            HttpPolicyViolationException e = assertThrows(HttpPolicyViolationException.class, () -> http.send(
                    HttpRequest.newBuilder(server.uri(path)).build(), HttpResponse.BodyHandlers.ofString()));

            assertEquals("default", e.ruleId());
            assertTrue(server.received().isEmpty());
        }
    }
}

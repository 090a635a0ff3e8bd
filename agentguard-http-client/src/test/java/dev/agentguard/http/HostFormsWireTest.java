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

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static dev.agentguard.junit.JournalAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On the wire: a host rule on 127.0.0.1 is not passed by another spelling of the address that the
 * JDK client connects to just the same, on the first request or on a redirect hop.
 */
class HostFormsWireTest {

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

    private static Policy noLoopback() {
        return Policy.builder().name("no-loopback").defaultEffect(Effect.ALLOW)
                .rule(Rule.deny("no-loopback").http(HttpCondition.builder().hosts("127.0.0.1", "localhost", "::1")))
                .build();
    }

    private GuardedHttpClient.Builder client(Policy policy) {
        return GuardedHttpClient.builder().client(HttpClient.newHttpClient())
                .name("review").identity(Agents.PAYMENTS_AGENT).policy(policy).journal(journal);
    }

    private URI at(String host, String path) {
        return URI.create("http://" + host + ":" + server.port() + path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2130706433", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]"})
    void aDeniedAddressIsNotReachedUnderAnotherSpelling(String host) throws Exception {
        Policy policy = Policy.builder().name("no-loopback").defaultEffect(Effect.ALLOW)
                .rule(Rule.deny("no-loopback").http(HttpCondition.builder().hosts("127.0.0.1", "localhost", "::1")))
                .build();
        try (GuardedHttpClient http = GuardedHttpClient.builder().client(HttpClient.newHttpClient())
                .name("review").identity(Agents.PAYMENTS_AGENT).policy(policy).journal(journal).build()) {
            URI uri = URI.create("http://" + host + ":" + server.port() + "/internal/secret");
            assertThrows(HttpPolicyViolationException.class,
                    () -> http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()));
            assertEquals(0, server.received("/internal/secret").size(), "the denied address was reached");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.000.000.001", "127.0.0.01", "[0:0:0:0:0:ffff:7f00:1]", "[::FFFF:127.0.0.1]",
            "[0:0:0:0:0:ffff:127.0.0.1]"})
    void moreSpellingsAreDeniedAndJournaledAsTheCanonicalAddress(String host) throws Exception {
        try (GuardedHttpClient http = client(noLoopback()).build()) {
            HttpPolicyViolationException e = assertThrows(HttpPolicyViolationException.class, () -> http.send(
                    HttpRequest.newBuilder(at(host, "/internal/secret")).build(), HttpResponse.BodyHandlers.ofString()));

            assertEquals("no-loopback", e.ruleId());
            assertTrue(server.received().isEmpty(), "the denied address was reached");
            assertThat(journal).hasExactly(1).eventsMatching(ev -> ev.phase(Phase.INTENT).decision(Decision.DENIED)
                    .rule("no-loopback").action("GET http://127.0.0.1:" + server.port() + "/internal/secret"));
        }
    }

    @Test
    void aRuleWrittenInAnotherSpellingDeniesThePlainAddress() throws Exception {
        Policy policy = Policy.builder().name("mapped").defaultEffect(Effect.ALLOW)
                .rule(Rule.deny("no-loopback").http(HttpCondition.builder().hosts("::ffff:7f00:1"))).build();
        try (GuardedHttpClient http = client(policy).build()) {
            assertThrows(HttpPolicyViolationException.class, () -> http.send(
                    HttpRequest.newBuilder(server.uri("/internal/secret")).build(), HttpResponse.BodyHandlers.ofString()));
            assertTrue(server.received().isEmpty());
        }
    }

    /** The JDK client connects 0 and 0.0.0.0 to this machine: refused before anything is decided or sent. */
    @ParameterizedTest
    @ValueSource(strings = {"0", "00", "0.0.0.0", "[::ffff:0.0.0.0]"})
    void theUnspecifiedAddressIsRefused(String host) throws Exception {
        try (GuardedHttpClient http = client(noLoopback()).build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> http.send(
                    HttpRequest.newBuilder(at(host, "/internal/secret")).build(), HttpResponse.BodyHandlers.ofString()));

            assertEquals("the request URI: HTTP host is the unspecified address (0.0.0.0 or ::), which a connection "
                    + "takes for this machine itself; name the host, such as 127.0.0.1", e.getMessage());
            assertTrue(server.received().isEmpty(), "the loopback server was reached");
        }
    }

    /** The JDK connects 0177.0.0.1 to 177.0.0.1; a proxy or C resolver to 127.0.0.1. Neither is guessed. */
    @ParameterizedTest
    @ValueSource(strings = {"0177.0.0.1", "0x7f000001", "017700000001"})
    void anAddressThatResolversReadDifferentlyIsRefused(String host) throws Exception {
        try (GuardedHttpClient http = client(noLoopback()).build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> http.send(
                    HttpRequest.newBuilder(at(host, "/x")).build(), HttpResponse.BodyHandlers.ofString()));

            assertTrue(e.getMessage().startsWith("the request URI: HTTP host is an IPv4 address with "), e.getMessage());
            assertTrue(Agents.httpEvents(journal).isEmpty(), "nothing was decided");
        }
    }

    @Test
    void aRedirectToAnotherSpellingOfADeniedAddressIsDecidedAsThatAddress() throws Exception {
        Policy policy = Policy.builder().name("no-internal").defaultEffect(Effect.ALLOW)
                .rule(Rule.deny("no-internal").http(HttpCondition.builder().hosts("127.0.0.1").paths("/internal/**")))
                .build();
        server.route("/hop", r -> LoopbackServer.Reply.redirect(302, at("2130706433", "/internal/secret").toString()));
        try (GuardedHttpClient http = client(policy).followRedirects(HttpClient.Redirect.NORMAL).build()) {
            HttpPolicyViolationException e = assertThrows(HttpPolicyViolationException.class, () -> http.send(
                    HttpRequest.newBuilder(server.uri("/hop")).build(), HttpResponse.BodyHandlers.ofString()));

            assertEquals("no-internal", e.ruleId());
            assertEquals(1, server.received("/hop").size());
            assertTrue(server.received("/internal/secret").isEmpty(), "the denied hop was sent");
        }
    }

    @Test
    void aRedirectToTheUnspecifiedAddressIsNotFollowed() throws Exception {
        server.route("/hop", r -> LoopbackServer.Reply.redirect(302, at("0", "/internal/secret").toString()));
        try (GuardedHttpClient http = client(Policy.builder().name("open").defaultEffect(Effect.ALLOW).build())
                .followRedirects(HttpClient.Redirect.NORMAL).build()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.uri("/hop")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertEquals(302, response.statusCode());
            assertTrue(server.received("/internal/secret").isEmpty(), "the redirect was followed");
        }
    }

    @Test
    void aCredentialTargetInAnotherSpellingIsTheSameTarget() throws Exception {
        Policy open = Policy.builder().name("open").defaultEffect(Effect.ALLOW).build();
        try (GuardedHttpClient http = client(open)
                .credential("http://[::ffff:7f00:1]:" + server.port() + "/v1", HttpCredential.apiKey("X-Api-Key", "k-1"))
                .build()) {
            http.send(HttpRequest.newBuilder(server.uri("/v1/orders")).build(), HttpResponse.BodyHandlers.ofString());
            http.send(HttpRequest.newBuilder(at("2130706433", "/v1/items")).build(), HttpResponse.BodyHandlers.ofString());

            assertEquals("k-1", server.received("/v1/orders").get(0).header("x-api-key"));
            assertEquals("k-1", server.received("/v1/items").get(0).header("x-api-key"));
        }
    }

    /** A servlet container routes /v1;x/orders under /v1; other servers do not: the credential waits for both. */
    @Test
    void aCredentialIsNotSentWhereOnlyAParameterStrippingServerRoutesUnderItsTarget() throws Exception {
        Policy open = Policy.builder().name("open").defaultEffect(Effect.ALLOW).build();
        try (GuardedHttpClient http = client(open)
                .credential(server.uri("/v1").toString(), HttpCredential.apiKey("X-Api-Key", "k-1")).build()) {
            http.send(HttpRequest.newBuilder(server.uri("/v1;x/orders")).build(), HttpResponse.BodyHandlers.ofString());
            http.send(HttpRequest.newBuilder(server.uri("/v1/orders;x")).build(), HttpResponse.BodyHandlers.ofString());

            assertNull(server.received("/v1;x/orders").get(0).header("x-api-key"));
            assertEquals("k-1", server.received("/v1/orders;x").get(0).header("x-api-key"));
        }
    }
}

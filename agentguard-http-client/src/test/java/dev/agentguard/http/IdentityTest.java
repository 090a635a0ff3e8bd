package dev.agentguard.http;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.identity.AgentContext;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.identity.IdentityException;
import dev.agentguard.core.identity.IdentitySource;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static dev.agentguard.junit.JournalAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every request is bound to the verified identity of the agent that made the call. */
class IdentityTest {

    private static final Instant T0 = Instant.parse("2031-05-01T10:00:00Z");

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

    private static AgentIdentity expiring(String agent, Instant at) {
        return new AgentIdentity(agent, null, Set.of("payments"), Set.of(), at);
    }

    @Test
    void refusesARequestWithoutIdentityAndJournalsTheAttempt() throws Exception {
        GuardedHttpClient http = Agents.client(journal).identity(() -> {
            throw new IdentityException("the agent token file is missing");
        }).build();

        HttpIdentityRefusedException e = assertThrows(HttpIdentityRefusedException.class, () -> http.send(
                HttpRequest.newBuilder(server.uri("/v1/orders?card=4111111111111111")).build(),
                HttpResponse.BodyHandlers.ofString()));

        assertEquals("no verified agent identity for HTTP client \"payments-api\": the agent token file is missing",
                e.getMessage());
        assertTrue(server.received().isEmpty());
        assertThat(journal).containsNoPan().hasExactly(1).eventsMatching(ev -> ev.phase(Phase.IDENTITY)
                .decision(Decision.DENIED).resource("payments-api").extension("pci-requirement", "10.2.1.4")
                .action("GET http://127.0.0.1:" + server.port() + "/v1/orders?card=411111******1111"));
    }

    @Test
    void keepsAFailingIdentitySourcesMessageOutAndRefusesAnExpiredIdentity() throws Exception {
        MutableClock clock = new MutableClock(T0);
        GuardedHttpClient failing = Agents.client(journal).identity(() -> {
            throw new IllegalStateException("token eyJhbGciOiJIUzI1NiJ9.leaked");
        }).build();
        GuardedHttpClient expired = Agents.client(journal).clock(clock)
                .identity(IdentitySource.fixed(expiring("payments-agent", T0.minusSeconds(1)))).build();

        HttpIdentityRefusedException f = (HttpIdentityRefusedException) assertThrows(CompletionException.class,
                () -> failing.sendAsync(HttpRequest.newBuilder(server.uri("/v1/orders")).build(),
                        HttpResponse.BodyHandlers.ofString()).join()).getCause();
        HttpIdentityRefusedException x = assertThrows(HttpIdentityRefusedException.class, () -> expired.send(
                HttpRequest.newBuilder(server.uri("/v1/orders")).build(), HttpResponse.BodyHandlers.ofString()));

        assertEquals("no verified agent identity for HTTP client \"payments-api\": the identity source failed with "
                + "java.lang.IllegalStateException", f.getMessage());
        assertEquals("no verified agent identity for HTTP client \"payments-api\": the identity of agent "
                + "\"payments-agent\" expired at 2031-05-01T09:59:59Z", x.getMessage());
        assertTrue(server.received().isEmpty());
        assertThat(journal).hasExactly(2).eventsMatching(ev -> ev.phase(Phase.IDENTITY));
    }

    @Test
    void renewsAnIdentityThatExpiresBetweenHopsOnlyForTheSameAgent() throws Exception {
        MutableClock clock = new MutableClock(T0);
        AtomicReference<AgentIdentity> current = new AtomicReference<>(expiring("payments-agent", T0.plusSeconds(10)));
        AtomicReference<AgentIdentity> renewal = new AtomicReference<>();
        server.route("/hop/slow", r -> {
            clock.advance(Duration.ofSeconds(20)); // the first hop outlives the token; the source has a new one
            current.set(renewal.get());
            return LoopbackServer.Reply.redirect(302, "/v1/orders");
        });
        GuardedHttpClient http = Agents.client(journal).clock(clock).identity(current::get)
                .followRedirects(HttpClient.Redirect.NORMAL).build();

        renewal.set(expiring("payments-agent", T0.plusSeconds(3600)));
        assertEquals(200, http.send(HttpRequest.newBuilder(server.uri("/hop/slow")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());

        current.set(expiring("payments-agent", clock.instant().plusSeconds(10)));
        renewal.set(expiring("other-agent", clock.instant().plusSeconds(3600)));
        HttpIdentityRefusedException e = assertThrows(HttpIdentityRefusedException.class, () -> http.send(
                HttpRequest.newBuilder(server.uri("/hop/slow")).build(), HttpResponse.BodyHandlers.ofString()));

        assertTrue(e.getMessage().contains("this exchange belongs to agent \"payments-agent\" but the current identity "
                + "is agent \"other-agent\""), e.getMessage());
        assertEquals(1, server.received("/v1/orders").size(), "the second exchange's redirect never went out");
        assertThat(journal).hasExactly(1).eventsMatching(ev -> ev.phase(Phase.IDENTITY).decision(Decision.DENIED));
    }

    @Test
    void runsAsTheAgentBoundWhenTheCallIsMadeEvenAcrossAsyncCallbacks() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        server.route("/v1/slow", r -> {
            release.await(10, TimeUnit.SECONDS);
            return LoopbackServer.Reply.redirect(302, "/v1/orders/after");
        });
        GuardedHttpClient http = Agents.client(journal).followRedirects(HttpClient.Redirect.NORMAL).build();

        CompletableFuture<HttpResponse<String>> pending;
        try (AgentContext.Scope scope = AgentContext.bind(AgentIdentity.of("refund-bot", "payments")
                .actingFor("bob@example.com"))) {
            pending = http.sendAsync(HttpRequest.newBuilder(server.uri("/v1/slow")).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        // The binding is gone before the response and the redirect hop are handled on the client's threads.
        release.countDown();
        assertEquals(200, pending.get(10, TimeUnit.SECONDS).statusCode());
        http.send(HttpRequest.newBuilder(server.uri("/v1/orders/unbound")).build(), HttpResponse.BodyHandlers.ofString());

        List<AuditEvent> events = Agents.httpEvents(journal);
        assertEquals(6, events.size());
        for (AuditEvent e : events.subList(0, 4)) {
            assertEquals("refund-bot", e.agentId(), e.phase() + " " + e.action());
            assertEquals("bob@example.com", e.onBehalfOf());
        }
        assertEquals("payments-agent", events.get(4).agentId());
        assertFalse(AgentContext.isBound());
    }

    @Test
    void forwardsTheAgentIdentityInItsOwnHeaderReplacingTheAgents() throws Exception {
        GuardedHttpClient http = Agents.client(journal).forwardIdentity("X-Agent-Id").build();

        http.send(HttpRequest.newBuilder(server.uri("/v1/orders")).header("X-Agent-Id", "admin-bot").build(),
                HttpResponse.BodyHandlers.discarding());

        assertEquals(List.of("payments-agent"), server.received().get(0).headers().get("x-agent-id"));
        assertNotEquals("admin-bot", server.received().get(0).header("x-agent-id"));
    }
}

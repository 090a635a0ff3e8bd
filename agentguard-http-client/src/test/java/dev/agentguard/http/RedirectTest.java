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

import java.io.ByteArrayInputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.agentguard.junit.JournalAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The guard follows redirects itself, so every hop is decided by the policy and journaled. */
class RedirectTest {

    @TempJournal
    Journal journal;

    private LoopbackServer server;
    private LoopbackServer other;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackServer.http();
        other = LoopbackServer.http();
        server.route("/v1/orders", r -> LoopbackServer.Reply.json("{\"order\":7}"));
        server.route("/echo/", r -> LoopbackServer.Reply.text(200, r.method() + " " + r.rawPath() + " " + r.bodyText()));
    }

    @AfterEach
    void stop() {
        server.close();
        other.close();
    }

    private GuardedHttpClient following(HttpClient.Redirect policy) {
        return Agents.client(journal).followRedirects(policy).build();
    }

    /** A body publisher over a stream that can be read once, as an agent streaming a file might send. */
    private static HttpRequest.BodyPublisher singleUse(String text, AtomicInteger subscriptions) {
        ByteArrayInputStream once = new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
        return HttpRequest.BodyPublishers.ofInputStream(() -> {
            subscriptions.incrementAndGet();
            return once;
        });
    }

    @Test
    void returnsTheRedirectWhenNotFollowingAndSendsNothingMore() throws Exception {
        server.route("/hop/a", r -> LoopbackServer.Reply.redirect(302, "/v1/orders"));
        GuardedHttpClient http = Agents.client(journal).build();

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.uri("/hop/a")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(HttpClient.Redirect.NEVER, http.followRedirects());
        assertEquals(302, response.statusCode());
        assertTrue(server.received("/v1/orders").isEmpty());
        assertThat(journal).hasExactly(1).eventsMatching(e -> e.phase(Phase.OUTCOME).count("http.status", 302));
    }

    @Test
    void decidesAndJournalsEveryHopUnderOneTrace() throws Exception {
        server.route("/hop/a", r -> LoopbackServer.Reply.redirect(302, "/hop/b"));
        server.route("/hop/b", r -> LoopbackServer.Reply.redirect(301, "/v1/orders/7"));
        GuardedHttpClient http = following(HttpClient.Redirect.NORMAL);
        HttpRequest request = HttpRequest.newBuilder(server.uri("/hop/a")).header("X-Request", "r-1").build();

        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        assertEquals("{\"order\":7}", response.body());
        assertEquals(server.uri("/v1/orders/7"), response.request().uri());
        assertEquals(server.uri("/v1/orders/7"), response.uri());
        HttpResponse<String> second = response.previousResponse().orElseThrow();
        assertEquals(301, second.statusCode());
        assertNull(second.body());
        HttpResponse<String> first = second.previousResponse().orElseThrow();
        assertEquals(302, first.statusCode());
        assertEquals(request, first.request(), "the first hop's request is the agent's own");
        assertFalse(first.previousResponse().isPresent());

        List<AuditEvent> events = Agents.httpEvents(journal);
        assertEquals(6, events.size());
        String base = "GET http://127.0.0.1:" + server.port();
        String[] lines = {base + "/hop/a", base + "/hop/b", base + "/v1/orders/7"};
        for (int hop = 0; hop < 3; hop++) {
            AuditEvent intent = events.get(2 * hop);
            AuditEvent outcome = events.get(2 * hop + 1);
            assertEquals(Phase.INTENT, intent.phase());
            assertEquals(lines[hop], intent.action());
            assertEquals(Decision.ALLOWED, intent.decision());
            assertEquals(Phase.OUTCOME, outcome.phase());
            assertEquals((long) hop, outcome.count("http.hop").orElseThrow());
            assertEquals(events.get(0).traceId(), intent.traceId(), "every hop shares the exchange's trace");
            assertEquals(events.get(0).traceId(), outcome.traceId());
        }
        assertEquals(302L, events.get(1).count("http.status").orElseThrow());
        assertEquals(301L, events.get(3).count("http.status").orElseThrow());
        assertEquals(200L, events.get(5).count("http.status").orElseThrow());
        assertEquals("r-1", server.received("/v1/orders/7").get(0).header("x-request"));
    }

    @Test
    void refusesARedirectIntoADeniedPathAndNeverSendsIt() throws Exception {
        server.route("/hop/a", r -> LoopbackServer.Reply.redirect(302, "/admin/users"));
        GuardedHttpClient http = following(HttpClient.Redirect.NORMAL);

        HttpPolicyViolationException e = assertThrows(HttpPolicyViolationException.class, () -> http.send(
                HttpRequest.newBuilder(server.uri("/hop/a")).build(), HttpResponse.BodyHandlers.ofString()));

        assertEquals("no-admin", e.ruleId());
        assertTrue(server.received("/admin/users").isEmpty(), "the denied hop never reaches the server");
        assertThat(journal).eventsInOrder(
                ev -> ev.phase(Phase.INTENT).decision(Decision.ALLOWED).actionContaining("/hop/a"),
                ev -> ev.phase(Phase.OUTCOME).count("http.status", 302).count("http.hop", 0),
                ev -> ev.phase(Phase.INTENT).decision(Decision.DENIED).rule("no-admin").actionContaining("/admin/users"));
    }

    @Test
    void turnsAPostInto303GetWithoutBody() throws Exception {
        server.route("/echo/form", r -> LoopbackServer.Reply.redirect(303, "/echo/done"));
        GuardedHttpClient http = following(HttpClient.Redirect.NORMAL);

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.uri("/echo/form"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("a=1")).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals("GET /echo/done ", response.body());
        LoopbackServer.Received done = server.received("/echo/done").get(0);
        assertEquals(0, done.body().length);
        assertNull(done.header("content-type"), "a body's headers do not follow a redirect that drops the body");
        assertEquals("GET", response.request().method());
        assertFalse(response.request().bodyPublisher().isPresent());
    }

    @Test
    void turnsA302PutIntoAGetButKeepsAGet() throws Exception {
        server.route("/echo/put", r -> LoopbackServer.Reply.redirect(302, "/echo/after-put"));
        server.route("/hop/get", r -> LoopbackServer.Reply.redirect(301, "/echo/after-get"));
        GuardedHttpClient http = following(HttpClient.Redirect.NORMAL);

        http.send(HttpRequest.newBuilder(server.uri("/echo/put")).PUT(HttpRequest.BodyPublishers.ofString("x"))
                .build(), HttpResponse.BodyHandlers.discarding());
        http.send(HttpRequest.newBuilder(server.uri("/hop/get")).build(), HttpResponse.BodyHandlers.discarding());

        assertEquals("GET", server.received("/echo/after-put").get(0).method());
        assertEquals("GET", server.received("/echo/after-get").get(0).method());
    }

    @Test
    void resendsMethodAndBodyOn307FromTheBufferedBytesOfASingleUsePublisher() throws Exception {
        server.route("/echo/old", r -> LoopbackServer.Reply.redirect(307, "/echo/new"));
        server.route("/echo/moved", r -> LoopbackServer.Reply.redirect(308, "/echo/new"));
        GuardedHttpClient http = following(HttpClient.Redirect.NORMAL);
        AtomicInteger subscriptions = new AtomicInteger();

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.uri("/echo/old"))
                .POST(singleUse("{\"refund\":1}", subscriptions)).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> moved = http.send(HttpRequest.newBuilder(server.uri("/echo/moved"))
                .PUT(HttpRequest.BodyPublishers.ofString("second")).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals("POST /echo/new {\"refund\":1}", response.body());
        assertEquals("{\"refund\":1}", server.received("/echo/old").get(0).bodyText());
        assertEquals(1, subscriptions.get(), "the agent's single-use publisher is read once");
        assertEquals("PUT /echo/new second", moved.body());
        assertThat(journal).hasExactly(2).eventsMatching(e -> e.phase(Phase.OUTCOME).count("http.hop", 1)
                .where("sent its body", ev -> ev.count("bytes.sent").orElse(0L) > 0));
    }

    @Test
    void returnsA307WhoseBodyWasTooLargeToHoldAndSendsItOnce() throws Exception {
        server.route("/echo/big", r -> LoopbackServer.Reply.redirect(307, "/echo/new"));
        GuardedHttpClient http = Agents.client(journal).followRedirects(HttpClient.Redirect.NORMAL)
                .requestBodyLimit(16).build();
        AtomicInteger subscriptions = new AtomicInteger();
        String body = "x".repeat(100);

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.uri("/echo/big"))
                .POST(singleUse(body, subscriptions)).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(307, response.statusCode());
        assertEquals(body, server.received("/echo/big").get(0).bodyText(), "the read part and the rest went out once");
        assertEquals(1, subscriptions.get());
        assertTrue(server.received("/echo/new").isEmpty());
    }

    @Test
    void capsTheHopsAndReturnsTheLastRedirect() throws Exception {
        server.route("/hop/loop", r -> LoopbackServer.Reply.redirect(302, "/hop/loop"));
        GuardedHttpClient http = Agents.client(journal).followRedirects(HttpClient.Redirect.ALWAYS).maxRedirects(3)
                .build();

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.uri("/hop/loop")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(302, response.statusCode());
        assertEquals(4, server.received("/hop/loop").size(), "the request and 3 redirects");
        assertThat(journal).hasExactly(4).eventsMatching(e -> e.phase(Phase.INTENT))
                .hasExactly(1).eventsMatching(e -> e.phase(Phase.OUTCOME).count("http.hop", 3));
    }

    @Test
    void dropsTheAgentsCredentialsOnAHopToAnotherOrigin() throws Exception {
        other.route("/echo/", r -> LoopbackServer.Reply.text(200, "other"));
        server.route("/hop/out", r -> LoopbackServer.Reply.redirect(302, other.uri("/echo/landing").toString()));
        server.route("/hop/in", r -> LoopbackServer.Reply.redirect(302, "/echo/landing"));
        GuardedHttpClient http = Agents.client(journal).followRedirects(HttpClient.Redirect.NORMAL)
                .sensitiveHeaders("X-Session").build();

        HttpResponse<String> out = http.send(HttpRequest.newBuilder(server.uri("/hop/out"))
                .header("Authorization", "Bearer agent-own-token").header("Cookie", "sid=42")
                .header("X-Session", "s-1").header("X-Request", "r-1").build(), HttpResponse.BodyHandlers.ofString());
        http.send(HttpRequest.newBuilder(server.uri("/hop/in")).header("Authorization", "Bearer agent-own-token")
                .build(), HttpResponse.BodyHandlers.ofString());

        LoopbackServer.Received landed = other.received("/echo/landing").get(0);
        assertNull(landed.header("authorization"));
        assertNull(landed.header("cookie"));
        assertNull(landed.header("x-session"));
        assertEquals("r-1", landed.header("x-request"));
        assertFalse(out.request().headers().firstValue("Authorization").isPresent(),
                "the agent sees the request as it went to the other origin");
        assertEquals("Bearer agent-own-token", server.received("/echo/landing").get(0).header("authorization"),
                "a hop within the origin keeps them");
    }

    @Test
    void doesNotFollowALocationThatIsNotHttp() throws Exception {
        server.route("/hop/file", r -> LoopbackServer.Reply.redirect(302, "file:///etc/passwd"));
        server.route("/hop/userinfo", r -> LoopbackServer.Reply.redirect(302, "http://user:pw@127.0.0.1:"
                + server.port() + "/v1/orders"));
        GuardedHttpClient http = following(HttpClient.Redirect.ALWAYS);

        assertEquals(302, http.send(HttpRequest.newBuilder(server.uri("/hop/file")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());
        assertEquals(302, http.send(HttpRequest.newBuilder(server.uri("/hop/userinfo")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());
        assertTrue(server.received("/v1/orders").isEmpty());
    }

    @Test
    void followsRedirectsOfAsyncRequestsToo() throws Exception {
        server.route("/hop/a", r -> LoopbackServer.Reply.redirect(302, "/admin/x"));
        server.route("/hop/b", r -> LoopbackServer.Reply.redirect(302, "/v1/orders/8"));
        GuardedHttpClient http = following(HttpClient.Redirect.NORMAL);

        HttpResponse<String> ok = http.sendAsync(HttpRequest.newBuilder(server.uri("/hop/b")).build(),
                HttpResponse.BodyHandlers.ofString()).get();
        java.util.concurrent.ExecutionException denied = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> http.sendAsync(HttpRequest.newBuilder(server.uri("/hop/a")).build(),
                        HttpResponse.BodyHandlers.ofString()).get());

        assertEquals("{\"order\":7}", ok.body());
        assertEquals(302, ok.previousResponse().orElseThrow().statusCode());
        assertEquals("no-admin", ((HttpPolicyViolationException) denied.getCause()).ruleId());
        assertTrue(server.received("/admin/x").isEmpty());
        assertThat(journal).hasExactly(2).eventsMatching(e -> e.phase(Phase.OUTCOME).outcome(Outcome.SUCCESS)
                .count("http.hop", 0));
    }
}

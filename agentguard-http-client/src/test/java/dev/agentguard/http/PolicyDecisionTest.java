package dev.agentguard.http;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Outcome;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.approval.ApprovalRequest;
import dev.agentguard.core.guard.CallScope;
import dev.agentguard.core.guard.Refusal;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static dev.agentguard.junit.JournalAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Allow, deny and approval: every request is decided before it goes out, and journaled either way. */
class PolicyDecisionTest {

    @TempJournal
    Journal journal;

    private LoopbackServer server;

    @BeforeEach
    void start() throws Exception {
        server = LoopbackServer.http();
        server.route("/v1/orders", r -> LoopbackServer.Reply.json("{\"order\":7,\"status\":\"paid\"}"));
        server.route("/v1/refunds", r -> LoopbackServer.Reply.json("{\"refund\":\"created\"}"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static HttpRequest refund(String json, java.net.URI uri) {
        return HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    @Test
    void allowsARequestAndJournalsItsIntentAndOutcome() throws Exception {
        GuardedHttpClient http = Agents.client(journal).build();

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.uri("/v1/orders/7")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        assertEquals("{\"order\":7,\"status\":\"paid\"}", response.body());
        assertEquals(1, server.received("/v1/orders/7").size());
        String line = "GET http://127.0.0.1:" + server.port() + "/v1/orders/7";
        assertThat(journal).eventsInOrder(
                e -> e.phase(Phase.INTENT).agent("payments-agent").resource("payments-api").action(line)
                        .decision(Decision.ALLOWED).rule("read-api").session(http.sessionId()),
                e -> e.phase(Phase.OUTCOME).action(line).outcome(Outcome.SUCCESS).count("http.status", 200)
                        .count("http.hop", 0).count("bytes.sent", 0).count("bytes.received", 27));
        List<AuditEvent> events = Agents.httpEvents(journal);
        assertEquals(2, events.size());
        assertEquals(events.get(0).traceId(), events.get(1).traceId(), "intent and outcome share the exchange's trace");
        assertEquals(String.valueOf(events.get(0).sequence()), events.get(1).extensions().get("intent-seq"));
    }

    @Test
    void deniesARequestNamingTheRuleAndSendsNothing() throws Exception {
        GuardedHttpClient http = Agents.client(journal).build();

        HttpPolicyViolationException e = assertThrows(HttpPolicyViolationException.class, () -> http.send(
                HttpRequest.newBuilder(server.uri("/admin/users?token=s3cr3t")).build(),
                HttpResponse.BodyHandlers.ofString()));

        assertEquals("denied by rule \"no-admin\": GET http://127.0.0.1:" + server.port() + " path /admin/**",
                e.getMessage());
        assertEquals(Refusal.DENIED_BY_POLICY, e.refusal());
        assertEquals("no-admin", e.ruleId());
        assertTrue(server.received().isEmpty(), "a denied request never reaches the server");
        assertThat(journal).hasExactly(1).eventsMatching(ev -> ev.phase(Phase.INTENT).decision(Decision.DENIED)
                        .rule("no-admin").outcome(Outcome.FAILURE)
                        .action("GET http://127.0.0.1:" + server.port() + "/admin/users?token=[REDACTED]"))
                .hasNoEventMatching(ev -> ev.phase(Phase.OUTCOME));
    }

    @Test
    void deniesWhatNoRuleAllowsUnderTheDefault() throws Exception {
        GuardedHttpClient http = Agents.client(journal).build();

        HttpPolicyViolationException e = assertThrows(HttpPolicyViolationException.class, () -> http.send(
                HttpRequest.newBuilder(server.uri("/v1/orders/7")).DELETE().build(),
                HttpResponse.BodyHandlers.discarding()));

        assertEquals("default", e.ruleId());
        assertTrue(server.received().isEmpty());
    }

    @Test
    void deniesAnAsyncRequestThroughItsFuture() {
        GuardedHttpClient http = Agents.client(journal).build();

        CompletableFuture<HttpResponse<String>> f = http.sendAsync(
                HttpRequest.newBuilder(server.uri("/admin")).build(), HttpResponse.BodyHandlers.ofString());

        java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class, f::get);
        HttpPolicyViolationException cause = (HttpPolicyViolationException) e.getCause();
        assertEquals("no-admin", cause.ruleId());
        assertTrue(server.received().isEmpty());
    }

    @Test
    void sendsARequestAnApproverGrants() throws Exception {
        Agents.WatchedApprover approver = new Agents.WatchedApprover();
        GuardedHttpClient http = Agents.client(journal).approver(approver).build();

        CompletableFuture<HttpResponse<String>> f = http.sendAsync(refund("{\"order\":7,\"amount\":250}",
                server.uri("/v1/refunds")), HttpResponse.BodyHandlers.ofString());
        ApprovalRequest request = approver.next();
        assertEquals("big-refunds", request.ruleId());
        assertTrue(server.received().isEmpty(), "nothing goes out while the approval is pending");
        approver.approver.approve(request.requestId(), "alice", "customer called");

        HttpResponse<String> response = f.get();
        assertEquals(200, response.statusCode());
        assertEquals("{\"order\":7,\"amount\":250}", server.received("/v1/refunds").get(0).bodyText());
        assertThat(journal).eventsInOrder(
                e -> e.phase(Phase.APPROVAL).decision(Decision.APPROVAL_REQUIRED).rule("big-refunds"),
                e -> e.phase(Phase.APPROVAL).decision(Decision.APPROVED).approval(request.requestId()),
                e -> e.phase(Phase.INTENT).decision(Decision.APPROVED).approval(request.requestId()),
                e -> e.phase(Phase.OUTCOME).outcome(Outcome.SUCCESS).count("bytes.sent", 24));
    }

    @Test
    void refusesARequestAnApproverDeniesAndSendsNothing() throws Exception {
        Agents.WatchedApprover approver = new Agents.WatchedApprover();
        GuardedHttpClient http = Agents.client(journal).approver(approver).build();

        CompletableFuture<HttpResponse<String>> f = http.sendAsync(refund("{\"amount\":5000}",
                server.uri("/v1/refunds")), HttpResponse.BodyHandlers.ofString());
        approver.approver.deny(approver.next().requestId(), "bob", "too much");

        java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class, f::get);
        HttpPolicyViolationException cause = (HttpPolicyViolationException) e.getCause();
        assertEquals(Refusal.APPROVAL_DENIED, cause.refusal());
        assertEquals("approval for rule \"big-refunds\" refused: bob refused it: too much", cause.getMessage());
        assertTrue(server.received().isEmpty());
        assertThat(journal).hasExactly(1).eventsMatching(ev -> ev.phase(Phase.INTENT).decision(Decision.DENIED)
                .rule("big-refunds"));
    }

    @Test
    void refusesARequestWhoseApprovalTimesOutOnTheCallingThread() throws Exception {
        dev.agentguard.core.approval.Approver silent = r -> new CompletableFuture<>();
        GuardedHttpClient http = Agents.client(journal).approver(silent).approvalTimeout(Duration.ofMillis(200)).build();

        HttpPolicyViolationException e = assertThrows(HttpPolicyViolationException.class, () -> http.send(
                refund("{\"amount\":101}", server.uri("/v1/refunds")), HttpResponse.BodyHandlers.ofString()));

        assertEquals(Refusal.APPROVAL_TIMED_OUT, e.refusal());
        assertTrue(e.getMessage().startsWith("approval for rule \"big-refunds\" timed out: no decision within"),
                e.getMessage());
        assertTrue(server.received().isEmpty());
    }

    @Test
    void aRefundWithinTheLimitNeedsNoApproval() throws Exception {
        dev.agentguard.core.approval.Approver never = r -> {
            throw new AssertionError("no approval is asked for a refund of 50");
        };
        GuardedHttpClient http = Agents.client(journal).approver(never).build();

        HttpResponse<String> response = http.send(refund("{\"amount\":50}", server.uri("/v1/refunds")),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        assertThat(journal).hasExactly(1).eventsMatching(e -> e.phase(Phase.INTENT).decision(Decision.ALLOWED)
                .rule("refunds"));
    }

    @Test
    void refusesEverythingWhenTheIntentCannotBeJournaled() throws Exception {
        GuardedHttpClient http = Agents.client(journal).build();
        journal.close();

        HttpJournalUnavailableException e = assertThrows(HttpJournalUnavailableException.class, () -> http.send(
                HttpRequest.newBuilder(server.uri("/v1/orders/7")).build(), HttpResponse.BodyHandlers.ofString()));

        assertTrue(e.getMessage().startsWith("the audit journal of HTTP client \"payments-api\" cannot be written, so "
                + "the request was not sent (fail closed): "), e.getMessage());
        assertTrue(server.received().isEmpty());
    }

    @Test
    void answersServerErrorsAsResponsesAndJournalsTheirStatus() throws Exception {
        server.route("/v1/broken", r -> LoopbackServer.Reply.text(503, "maintenance"));
        GuardedHttpClient http = Agents.client(journal).build();

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.uri("/v1/broken")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(503, response.statusCode());
        assertThat(journal).hasExactly(1).eventsMatching(e -> e.phase(Phase.OUTCOME).outcome(Outcome.SUCCESS)
                .count("http.status", 503));
    }

    @Test
    void journalsAFailedConnectionAsAFailedOutcome() throws Exception {
        GuardedHttpClient http = Agents.client(journal).build();
        java.net.URI closed = server.uri("/v1/orders");
        server.close();

        assertThrows(java.io.IOException.class, () -> http.send(HttpRequest.newBuilder(closed).build(),
                HttpResponse.BodyHandlers.ofString()));

        AuditEvent outcome = Agents.httpEvents(journal).get(1);
        assertEquals(Phase.OUTCOME, outcome.phase());
        assertEquals(Outcome.FAILURE, outcome.outcome());
        assertTrue(outcome.error().startsWith("the request failed ("), outcome.error());
        assertNull(outcome.counts().get("http.status"));
    }

    @Test
    void carriesTheStatedIntentAndTheAgentsTraceparentIntoTheJournal() throws Exception {
        GuardedHttpClient http = Agents.client(journal).build();
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        try (CallScope scope = CallScope.builder().intent("look up order 7 for the customer on the phone").open()) {
            http.send(HttpRequest.newBuilder(server.uri("/v1/orders/7")).header("traceparent", traceparent).build(),
                    HttpResponse.BodyHandlers.discarding());
        }

        assertThat(journal).hasExactly(1).eventsMatching(e -> e.phase(Phase.INTENT)
                        .intent("look up order 7 for the customer on the phone").trace(traceparent))
                .hasExactly(1).eventsMatching(e -> e.phase(Phase.OUTCOME).trace(traceparent));
        assertEquals(traceparent, server.received().get(0).header("traceparent"), "the agent's header goes out as set");
    }

    @Test
    void failsTheResponseWhoseOutcomeCannotBeJournaled() throws Exception {
        server.route("/v1/journal-breaks", r -> {
            journal.close(); // the journal fails between the intent and the outcome
            return LoopbackServer.Reply.text(200, "done");
        });
        GuardedHttpClient http = Agents.client(journal).build();

        HttpJournalUnavailableException body = assertThrows(HttpJournalUnavailableException.class, () -> http.send(
                HttpRequest.newBuilder(server.uri("/v1/journal-breaks")).build(), HttpResponse.BodyHandlers.ofString()));
        assertTrue(body.getMessage().startsWith("the request was sent, but its outcome could not be written to the "
                + "audit journal of HTTP client \"payments-api\""), body.getMessage());
    }

    @Test
    void followsNoFurtherHopOnceAHopsOutcomeCannotBeJournaled() throws Exception {
        server.route("/hop/journal-breaks", r -> {
            journal.close();
            return LoopbackServer.Reply.redirect(302, "/v1/orders/1");
        });
        GuardedHttpClient http = Agents.client(journal).followRedirects(java.net.http.HttpClient.Redirect.NORMAL)
                .build();

        assertThrows(HttpJournalUnavailableException.class, () -> http.send(
                HttpRequest.newBuilder(server.uri("/hop/journal-breaks")).build(), HttpResponse.BodyHandlers.ofString()));
        assertTrue(server.received("/v1/orders/1").isEmpty());
    }
}

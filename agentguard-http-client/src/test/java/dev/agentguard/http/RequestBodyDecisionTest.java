package dev.agentguard.http;

import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.guard.Refusal;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.agentguard.junit.JournalAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Decisions on the request body: its size and its JSON fields are read from a buffer filled by
 * one subscription, so a publisher that can be read once is never read twice, and a body the
 * guard could not read fully is decided as unknown (which fails closed).
 */
class RequestBodyDecisionTest {

    @TempJournal
    Journal journal;

    private LoopbackServer server;
    private final AtomicInteger subscriptions = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        server = LoopbackServer.http();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** A body of unknown length over a stream that can be read once. */
    private HttpRequest.BodyPublisher once(String text) {
        ByteArrayInputStream in = new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
        return HttpRequest.BodyPublishers.ofInputStream(() -> {
            subscriptions.incrementAndGet();
            return in;
        });
    }

    private HttpRequest refund(String json) {
        return HttpRequest.newBuilder(server.uri("/v1/refunds")).header("Content-Type", "application/json")
                .POST(once(json)).build();
    }

    @Test
    void decidesOnTheSizeOfAStreamedBodyAndSendsTheBytesItRead() throws Exception {
        GuardedHttpClient http = Agents.client(journal).build();
        String small = "a".repeat(500);

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.uri("/v1/uploads/a")).PUT(once(small))
                .build(), HttpResponse.BodyHandlers.ofString());
        HttpPolicyViolationException tooBig = assertThrows(HttpPolicyViolationException.class, () -> http.send(
                HttpRequest.newBuilder(server.uri("/v1/uploads/b")).PUT(once("b".repeat(2000))).build(),
                HttpResponse.BodyHandlers.ofString()));

        assertEquals(200, response.statusCode());
        assertEquals(small, server.received("/v1/uploads/a").get(0).bodyText());
        assertEquals("default", tooBig.ruleId(), "no allow rule takes a body over 1024 bytes");
        assertTrue(server.received("/v1/uploads/b").isEmpty());
        assertEquals(2, subscriptions.get(), "each publisher was subscribed to once");
    }

    @Test
    void decidesABodyLargerThanTheBufferAsUnknown() throws Exception {
        GuardedHttpClient http = Agents.client(journal).requestBodyLimit(100).build();

        HttpPolicyViolationException e = assertThrows(HttpPolicyViolationException.class, () -> http.send(
                HttpRequest.newBuilder(server.uri("/v1/uploads/c")).PUT(once("c".repeat(500))).build(),
                HttpResponse.BodyHandlers.ofString()));

        assertEquals("default", e.ruleId(), "an allow rule with maxBodySize never takes a body of unknown size");
        assertTrue(server.received().isEmpty());
    }

    @Test
    void allowsARefundWithinTheLimitReadFromASingleUsePublisher() throws Exception {
        GuardedHttpClient http = Agents.client(journal).build();

        http.send(refund("{\"order\":7,\"amount\":99.50}"), HttpResponse.BodyHandlers.discarding());

        assertEquals("{\"order\":7,\"amount\":99.50}", server.received("/v1/refunds").get(0).bodyText());
        assertEquals(1, subscriptions.get());
        assertThat(journal).hasExactly(1).eventsMatching(e -> e.phase(Phase.INTENT).decision(Decision.ALLOWED)
                .rule("refunds"));
    }

    @Test
    void sendsForApprovalEveryBodyWhoseAmountCannotBeReadTheWayEveryServerWould() throws Exception {
        GuardedHttpClient http = Agents.client(journal).build(); // the default approver refuses everything
        List<String> bodies = List.of(
                "{\"amount\":5000}",
                "{\"amount\":50,\"amount\":5000}",
                "{\"amount\":50,\"AMOUNT\":5000}",
                "{\"amount\":100.0000000000000000001}",
                "{\"amount\":1e999999}",
                "{\"amount\":50} {\"amount\":5000}",
                "{\"amount\":50 /* comment */}",
                "amount=50",
                "{\"amount\":true}",
                "[{\"amount\":50}]");

        for (String body : bodies) {
            HttpPolicyViolationException e = assertThrows(HttpPolicyViolationException.class,
                    () -> http.send(refund(body), HttpResponse.BodyHandlers.discarding()), body);
            assertEquals(Refusal.APPROVAL_DENIED, e.refusal(), body);
            assertEquals("big-refunds", e.ruleId(), body);
        }
        assertTrue(server.received().isEmpty());
        assertEquals(bodies.size(), subscriptions.get());
    }

    @Test
    void readsAnAmountGivenAsTextOrWithAnExponent() throws Exception {
        GuardedHttpClient http = Agents.client(journal).build();

        http.send(refund("{\"amount\":\"42\"}"), HttpResponse.BodyHandlers.discarding());
        http.send(refund("{\"amount\":1e2}"), HttpResponse.BodyHandlers.discarding());

        assertEquals(2, server.received("/v1/refunds").size());
    }

    @Test
    void decidesAJsonBodyPastTheBufferAsMissingTheField() throws Exception {
        GuardedHttpClient http = Agents.client(journal).requestBodyLimit(16).build();

        HttpPolicyViolationException e = assertThrows(HttpPolicyViolationException.class, () -> http.send(
                refund("{\"amount\":50,\"note\":\"" + "n".repeat(100) + "\"}"), HttpResponse.BodyHandlers.discarding()));

        assertEquals("big-refunds", e.ruleId());
        assertTrue(server.received().isEmpty());
    }

    @Test
    void readsNestedFieldsByJsonPointer() throws Exception {
        GuardedHttpClient http = Agents.client(journal).policy(TestPolicies.parse("""
                policy: nested
                version: 1
                default: deny
                rules:
                  - id: big
                    deny: { http: { jsonField: { field: /refund/amount, over: 100 } } }
                  - id: small
                    allow: { http: { methods: [POST], jsonField: { field: /refund/amount, atMost: 100 } } }
                """)).build();

        http.send(HttpRequest.newBuilder(server.uri("/v2/r")).POST(once("{\"refund\":{\"amount\":10}}")).build(),
                HttpResponse.BodyHandlers.discarding());
        HttpPolicyViolationException e = assertThrows(HttpPolicyViolationException.class, () -> http.send(
                HttpRequest.newBuilder(server.uri("/v2/r")).POST(once("{\"refund\":{\"amount\":1000}}")).build(),
                HttpResponse.BodyHandlers.discarding()));

        assertEquals("big", e.ruleId());
        assertEquals(1, server.received().size());
    }
}

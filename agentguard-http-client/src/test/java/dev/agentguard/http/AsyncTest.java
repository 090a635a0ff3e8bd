package dev.agentguard.http;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Outcome;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.approval.ApprovalRequest;
import dev.agentguard.core.guard.CallScope;
import dev.agentguard.core.policy.Policy;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.agentguard.junit.JournalAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** sendAsync: cancellation, approvals off the agent's thread, push promises, streaming bodies, encodings. */
class AsyncTest {

    @TempJournal
    Journal journal;

    private LoopbackServer server;
    private final CountDownLatch arrived = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        server = LoopbackServer.http();
        server.route("/v1/slow", r -> {
            arrived.countDown();
            release.await(10, TimeUnit.SECONDS);
            return LoopbackServer.Reply.text(200, "late");
        });
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.close();
    }

    @Test
    void cancellingTheFutureCancelsTheRequestAndJournalsTheOutcome() throws Exception {
        GuardedHttpClient http = Agents.client(journal).build();

        CompletableFuture<HttpResponse<String>> f = http.sendAsync(HttpRequest.newBuilder(server.uri("/v1/slow"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(arrived.await(10, TimeUnit.SECONDS));
        assertTrue(f.cancel(true));

        assertThrows(CancellationException.class, f::join);
        List<AuditEvent> events = Agents.httpEvents(journal);
        assertEquals(2, events.size());
        AuditEvent outcome = events.get(1);
        assertEquals(Phase.OUTCOME, outcome.phase());
        assertEquals(Outcome.FAILURE, outcome.outcome());
        assertEquals("cancelled by the agent before the response arrived", outcome.error());
    }

    /**
     * A wrapped client whose futures complete only after a cancelled exchange has stopped, on a
     * thread of its own (as later JDKs' do): the outcome is in the journal when the agent's
     * cancel returns, not whenever the client gets round to it.
     */
    @Test
    void aCancelledRequestIsJournaledBeforeTheAgentsCancelReturns() throws Exception {
        CountDownLatch letTheClientComplete = new CountDownLatch(1);
        CompletableFuture<Thread> completerThread = new CompletableFuture<>();
        HttpClient lateToComplete = new DelegatingClient(HttpClient.newHttpClient()) {
            @Override
            public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
                                                                    HttpResponse.BodyHandler<T> handler) {
                CompletableFuture<HttpResponse<T>> inner = real.sendAsync(request, handler);
                CompletableFuture<HttpResponse<T>> late = DelegatingClient.relayingCancel(inner, () -> { });
                inner.whenComplete((response, failure) -> {
                    Thread completer = new Thread(() -> {
                        try {
                            letTheClientComplete.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        late.completeExceptionally(failure != null ? failure : new CancellationException());
                    });
                    completer.setDaemon(true);
                    completer.start();
                    completerThread.complete(completer);
                });
                return late;
            }
        };
        GuardedHttpClient http = Agents.client(journal).client(lateToComplete).build();
        try {
            CompletableFuture<HttpResponse<String>> f = http.sendAsync(HttpRequest.newBuilder(server.uri("/v1/slow"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(arrived.await(10, TimeUnit.SECONDS));
            assertTrue(f.cancel(true));

            List<AuditEvent> events = Agents.httpEvents(journal);
            assertEquals(2, events.size(), "the outcome is journaled before cancel returns");
            assertEquals(Phase.OUTCOME, events.get(1).phase());
            assertEquals("cancelled by the agent before the response arrived", events.get(1).error());

            letTheClientComplete.countDown();
            Thread completer = completerThread.get(10, TimeUnit.SECONDS); // the client's exchange stopped
            completer.join(10_000); // the guard's callbacks run on it as it completes the future
            assertFalse(completer.isAlive());
            assertThrows(CancellationException.class, f::join);
            assertEquals(2, Agents.httpEvents(journal).size(), "one outcome, though the client completed later");
        } finally {
            letTheClientComplete.countDown();
            http.close();
        }
    }

    /**
     * The agent cancels while the decision thread, its approval granted, is handing the request
     * to the wrapped client: the guard's cancel interrupts that thread and finds no request in
     * flight yet, so the thread cancels the request once the client returns it, and journals its
     * outcome with its interrupt flag set.
     */
    @Test
    void aCancelWhileAnApprovedRequestIsHandedOverCancelsItOnceItIsInFlight() throws Exception {
        server.route("/v1/refunds", r -> {
            arrived.countDown();
            release.await(10, TimeUnit.SECONDS);
            return LoopbackServer.Reply.text(200, "late");
        });
        CountDownLatch handingOver = new CountDownLatch(1);
        CountDownLatch mayReturn = new CountDownLatch(1);
        CompletableFuture<Boolean> cancelledInFlight = new CompletableFuture<>();
        HttpClient slowToReturn = new DelegatingClient(HttpClient.newHttpClient()) {
            @Override
            public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request,
                                                                    HttpResponse.BodyHandler<T> handler) {
                CompletableFuture<HttpResponse<T>> inner = real.sendAsync(request, handler);
                handingOver.countDown();
                boolean interrupted = false;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (mayReturn.getCount() > 0 && System.nanoTime() < deadline) {
                    try {
                        mayReturn.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                    } catch (InterruptedException e) {
                        interrupted = true; // the agent's cancel; kept for the guard to see, as a real client would
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                CompletableFuture<HttpResponse<T>> observed = DelegatingClient.relayingCancel(inner,
                        () -> cancelledInFlight.complete(true));
                inner.whenComplete((response, failure) -> {
                    if (failure != null) {
                        observed.completeExceptionally(failure);
                    } else {
                        observed.complete(response);
                    }
                });
                return observed;
            }
        };
        Agents.WatchedApprover approver = new Agents.WatchedApprover();
        ExecutorService decisions = Executors.newSingleThreadExecutor();
        GuardedHttpClient http = Agents.client(journal).client(slowToReturn).approver(approver)
                .decisionExecutor(decisions).build();
        try {
            CompletableFuture<HttpResponse<String>> f = http.sendAsync(HttpRequest.newBuilder(server.uri("/v1/refunds"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":700}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            ApprovalRequest request = approver.next();
            approver.approver.approve(request.requestId(), "lead@example.com", "duplicate confirmed");
            assertTrue(handingOver.await(10, TimeUnit.SECONDS));
            assertTrue(f.cancel(true));
            mayReturn.countDown();
            decisions.shutdown();
            assertTrue(decisions.awaitTermination(10, TimeUnit.SECONDS), "the hand-over ended");

            assertTrue(cancelledInFlight.getNow(false), "the request in flight was cancelled");
            assertThat(journal).hasExactly(1).eventsMatching(e -> e.phase(Phase.INTENT).decision(Decision.APPROVED))
                    .hasExactly(1).eventsMatching(e -> e.phase(Phase.OUTCOME).outcome(Outcome.FAILURE)
                            .where("cancelled before the response", event -> "cancelled by the agent before the response arrived"
                                    .equals(event.error())));
        } finally {
            mayReturn.countDown();
            decisions.shutdownNow();
            http.close();
        }
    }

    @Test
    void cancellingWhileAnApprovalIsPendingRefusesTheRequest() throws Exception {
        Agents.WatchedApprover approver = new Agents.WatchedApprover();
        GuardedHttpClient http = Agents.client(journal).approver(approver).build();

        CompletableFuture<HttpResponse<String>> f = http.sendAsync(HttpRequest.newBuilder(server.uri("/v1/refunds"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":700}")).build(),
                HttpResponse.BodyHandlers.ofString());
        ApprovalRequest request = approver.next();
        assertFalse(f.isDone(), "the agent's future waits for the approver, not the agent's thread");
        f.cancel(true);
        assertNotNull(approver.closed.poll(10, TimeUnit.SECONDS), "the guard stopped waiting");

        assertTrue(server.received().isEmpty());
        assertThat(journal).eventsInOrder(
                e -> e.phase(Phase.APPROVAL).decision(Decision.APPROVAL_REQUIRED).approval(request.requestId()),
                e -> e.phase(Phase.INTENT).decision(Decision.DENIED).rule("big-refunds"))
                .hasNoEventMatching(e -> e.phase(Phase.OUTCOME));
    }

    /**
     * The decision of an async request that waits for an approver runs on the decision executor:
     * the CallScope it was made in goes along, though the agent closed it as soon as sendAsync
     * returned. The approver reads the stated purpose; the journal has it and the trace.
     */
    @Test
    void anAsyncRequestWaitingForApprovalKeepsTheScopeItWasMadeIn() throws Exception {
        Agents.WatchedApprover approver = new Agents.WatchedApprover();
        GuardedHttpClient http = Agents.client(journal).approver(approver).build();
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        CompletableFuture<HttpResponse<String>> f;
        try (CallScope call = CallScope.builder().intent("refund order 42: duplicate charge").traceparent(traceparent)
                .open()) {
            f = http.sendAsync(HttpRequest.newBuilder(server.uri("/v1/refunds"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":700}")).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        ApprovalRequest request = approver.next();
        assertEquals("refund order 42: duplicate charge", request.intent());
        approver.approver.approve(request.requestId(), "lead@example.com", "duplicate confirmed");

        assertEquals(200, f.get(10, TimeUnit.SECONDS).statusCode());
        assertThat(journal).hasExactly(1).eventsMatching(e -> e.phase(Phase.INTENT).decision(Decision.APPROVED)
                        .intent("refund order 42: duplicate charge").trace(traceparent))
                .hasExactly(1).eventsMatching(e -> e.phase(Phase.OUTCOME).trace(traceparent));
    }

    /** Refunds need an approver, unless the agent breaks the glass. */
    private static Policy refundsWithBreakGlass() throws Exception {
        return Policy.parse("""
                policy: refunds-break-glass
                version: 1
                default: deny
                rules:
                  - id: refunds
                    requireApproval: { http: { methods: [POST], paths: [/v1/refunds] } }
                    breakGlass: true
                """, "refunds-break-glass.yaml");
    }

    /** Break-glass stated around sendAsync lets a breakGlass rule's request through without asking anyone. */
    @Test
    void anAsyncRequestBreaksTheGlassItsScopeBroke() throws Exception {
        Agents.WatchedApprover approver = new Agents.WatchedApprover();
        GuardedHttpClient http = Agents.client(journal).approver(approver).policy(refundsWithBreakGlass()).build();

        CompletableFuture<HttpResponse<String>> f;
        try (CallScope call = CallScope.builder().breakGlass("the refund queue is stuck and customers wait").open()) {
            f = http.sendAsync(HttpRequest.newBuilder(server.uri("/v1/refunds"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":700}")).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        assertEquals(200, f.get(10, TimeUnit.SECONDS).statusCode());
        assertTrue(approver.arrived.isEmpty(), "nobody was asked");
        assertThat(journal).hasExactly(1).eventsMatching(e -> e.phase(Phase.INTENT).decision(Decision.ALLOWED)
                .rule("refunds").extension("break-glass", "true"));
    }

    /**
     * A request made outside any scope is decided under none, wherever it is decided: a
     * break-glass scope open on the decision executor's thread does not let it past its approver.
     */
    @Test
    void anAsyncRequestMadeOutsideAnyScopeTakesNoScopeFromTheThreadThatDecidesIt() throws Exception {
        Agents.WatchedApprover approver = new Agents.WatchedApprover();
        java.util.concurrent.Executor breakingGlass = task -> new Thread(() -> {
            try (CallScope other = CallScope.builder().breakGlass("another call's emergency, not this one").open()) {
                task.run();
            }
        }).start();
        GuardedHttpClient http = Agents.client(journal).approver(approver).decisionExecutor(breakingGlass)
                .policy(refundsWithBreakGlass()).build();

        CompletableFuture<HttpResponse<String>> f = http.sendAsync(HttpRequest.newBuilder(server.uri("/v1/refunds"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":700}")).build(),
                HttpResponse.BodyHandlers.ofString());
        ApprovalRequest request = approver.next();
        assertFalse(f.isDone(), "asked, not let through by the executor thread's break-glass");
        approver.approver.deny(request.requestId(), "lead@example.com", "not now");

        assertThrows(java.util.concurrent.ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertTrue(server.received().isEmpty());
        assertThat(journal).hasNoEventMatching(e -> e.extension("break-glass", "true"));
    }

    @Test
    void neverCallsThePushPromiseHandler() throws Exception {
        GuardedHttpClient http = Agents.client(journal).build();
        AtomicBoolean offered = new AtomicBoolean();
        HttpResponse.PushPromiseHandler<String> handler = (initiating, push, acceptor) -> offered.set(true);

        HttpResponse<String> r = http.sendAsync(HttpRequest.newBuilder(server.uri("/v1/orders")).build(),
                HttpResponse.BodyHandlers.ofString(), handler).get(10, TimeUnit.SECONDS);

        assertEquals(200, r.statusCode());
        assertFalse(offered.get());
    }

    @Test
    void journalsAStreamedBodyWhenTheAgentHasReadIt() throws Exception {
        server.route("/v1/export", r -> LoopbackServer.Reply.text(200, "line\n".repeat(20_000)));
        GuardedHttpClient http = Agents.client(journal).build();

        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(server.uri("/v1/export")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        byte[] all;
        try (InputStream in = response.body()) {
            all = in.readAllBytes();
        }

        assertEquals(100_000, all.length);
        assertThat(journal).hasExactly(1).eventsMatching(e -> e.phase(Phase.OUTCOME).outcome(Outcome.SUCCESS)
                .count("bytes.received", 100_000));
    }

    @Test
    void offersOnlyTheEncodingsTheMaskingCanRead() throws Exception {
        GuardedHttpClient http = Agents.client(journal).build();

        http.send(HttpRequest.newBuilder(server.uri("/v1/a")).build(), HttpResponse.BodyHandlers.discarding());
        http.send(HttpRequest.newBuilder(server.uri("/v1/b")).header("Accept-Encoding", "br, gzip;q=0.8, zstd")
                .build(), HttpResponse.BodyHandlers.discarding());
        http.send(HttpRequest.newBuilder(server.uri("/v1/c")).header("Accept-Encoding", "br").build(),
                HttpResponse.BodyHandlers.discarding());
        http.send(HttpRequest.newBuilder(server.uri("/v1/d")).header("Accept-Encoding", "gzip;q=0, deflate").build(),
                HttpResponse.BodyHandlers.discarding());

        List<LoopbackServer.Received> got = server.received();
        assertEquals(List.of("identity"), got.get(0).headers().get("accept-encoding"));
        assertEquals(List.of("gzip"), got.get(1).headers().get("accept-encoding"));
        assertEquals(List.of("identity"), got.get(2).headers().get("accept-encoding"));
        assertEquals(List.of("deflate"), got.get(3).headers().get("accept-encoding"));
    }
}

package dev.agentguard.http;

import dev.agentguard.core.action.Action;
import dev.agentguard.core.guard.CallContext;
import dev.agentguard.core.guard.CallScope;
import dev.agentguard.core.guard.Permit;
import dev.agentguard.core.identity.AgentContext;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.identity.IdentityException;
import dev.agentguard.http.body.MaskingBodyHandler;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One call of the agent — {@code send} or {@code sendAsync} — from the request to the response
 * it gets, through every redirect hop the guard follows. Holds the identity captured when the
 * call was made, the bindings to renew it under, and the trace id every hop's events share.
 *
 * <p>Each hop: the request is read as the policy sees it (its body buffered first where needed),
 * decided and journaled by the guard, given its wire form (credential, identity header) and sent
 * by the wrapped client; its outcome is journaled when its body ends. {@code send} runs every hop
 * on the calling thread; {@code sendAsync} runs the first hop's decision on the calling thread and
 * the rest where the wrapped client completes, except decisions that may wait for an approver,
 * which run on the client's decision executor.
 */
final class Exchange<T> {

    private final HttpGate gate;
    private final GuardedHttpClient client;
    private final AgentRequest first;
    private final HttpResponse.BodyHandler<T> handler;
    private final AgentContext.Captured bindings;
    /**
     * The agent's CallScope when it made an asynchronous call (NONE outside any), for decisions
     * taken on other threads; null for send, whose decisions all run on the agent's thread.
     */
    private CallScope.Captured scope;
    private volatile AgentIdentity identity;
    private volatile CallContext context;
    /** The agent's future (sendAsync); null for send. */
    private CompletableFuture<HttpResponse<T>> result;
    private volatile boolean cancelled;
    private volatile Future<?> pendingDecision;
    private volatile InFlight inFlight;

    /** What a hop is, as decided and as it goes out. */
    private record Prepared(Hop hop, Action action, HttpClient client, HttpRequest wire, RequestBody.Counted sent) {
    }

    /** The hop sent and not yet answered: the wrapped client's future, its handler and its outcome. */
    private record InFlight(CompletableFuture<?> sent, HopHandler<?> handler, HopOutcome outcome) {
        /**
         * Cancels the request and, when no response body has begun, journals its outcome now. The
         * wrapped client completes its future when its exchange has stopped, on a thread of its
         * own on later JDKs, after the agent has seen its cancellation; an outcome written only
         * then could be missing from the journal when the agent looks, or lost when it exits. The
         * outcome is written once, whichever comes first; a body already begun ends, cancelled, as
         * the masking subscriber reports it.
         */
        void cancel() {
            // A hop already answered (a redirect whose body was dropped) keeps the outcome it has or is
            // about to have; the next hop is not sent.
            boolean answered = sent.isDone();
            try {
                sent.cancel(true);
            } finally {
                if (!answered && handler.cancelBeforeBody()) {
                    outcome.failedBeforeBody(new CancellationException());
                    // The client's own thread may have begun the same write first: the agent waits for it.
                    outcome.awaitWritten();
                }
            }
        }
    }

    Exchange(HttpGate gate, GuardedHttpClient client, AgentRequest first, HttpResponse.BodyHandler<T> handler,
             AgentIdentity identity, AgentContext.Captured bindings) {
        this.gate = gate;
        this.client = client;
        this.first = first;
        this.handler = handler;
        this.identity = identity;
        this.bindings = bindings;
        String trace = first.headers().firstValue("traceparent").orElse(null);
        this.context = new CallContext(identity, gate.sessionId(), trace != null ? trace : newTraceParent(), null);
    }

    HttpGate gate() {
        return gate;
    }

    HttpResponse.BodyHandler<T> handler() {
        return handler;
    }

    boolean isCancelled() {
        return cancelled;
    }

    // ------------------------------------------------------------------ send

    /** Runs the exchange on the calling thread. */
    HttpResponse<T> send() throws IOException, InterruptedException {
        Hop hop = new Hop(0, first, firstBodyBlocking(), null);
        HttpResponse<T> previous = null;
        while (true) {
            if (hop.index > 0) {
                checkIdentity(hop);
            }
            Prepared p = prepare(hop);
            Permit permit = gate.check(context, p.action());
            HopOutcome outcome = new HopOutcome(gate, permit, hop.index, p.sent(), hop.request.uri(), this);
            HopHandler<T> h = new HopHandler<>(this, hop, outcome);
            HttpResponse<T> response;
            client.started();
            try {
                response = p.client().send(p.wire(), h);
            } catch (IOException e) {
                if (!h.bodyStarted()) {
                    outcome.failedBeforeBody(e);
                }
                // The JDK client wraps the body's error in an IOException of its own; the journal's stays visible.
                throw journalFailureIn(e);
            } catch (InterruptedException | RuntimeException | Error e) {
                if (!h.bodyStarted()) {
                    outcome.failedBeforeBody(e);
                }
                throw e;
            } finally {
                client.ended();
            }
            if (h.redirect() != null) {
                outcome.redirectDiscarded(h.discardedBytes());
                previous = new GuardedResponse<>(response.statusCode(), hop.request, previous, response.headers(), null,
                        response.sslSession().orElse(null), response.version());
                hop = h.redirect().after(previous);
                continue;
            }
            return guarded(response, hop, previous, h);
        }
    }

    /** The first hop's body, read ahead on this thread when the decision or a redirect needs it. */
    private RequestBody firstBodyBlocking() throws IOException, InterruptedException {
        HttpRequest.BodyPublisher publisher = first.body();
        if (publisher == null) {
            return RequestBody.none();
        }
        long declared = publisher.contentLength(); // asked once: a publisher may answer differently later
        if (!gate.mustBuffer(declared)) {
            return RequestBody.stream(publisher, declared);
        }
        CompletableFuture<RequestBody> read = RequestBody.capture(publisher, declared, gate.bodyLimit());
        try {
            if (first.timeout().isPresent()) {
                return read.get(first.timeout().get().toNanos(), TimeUnit.NANOSECONDS);
            }
            return read.get();
        } catch (ExecutionException e) {
            throw asIOException(e.getCause());
        } catch (TimeoutException e) {
            throw new HttpTimeoutException("the request body was not read within the request's timeout");
        }
    }

    // ------------------------------------------------------------------ sendAsync

    /** Starts the exchange; the returned future completes with the agent's response. */
    CompletableFuture<HttpResponse<T>> sendAsync() {
        CompletableFuture<HttpResponse<T>> f = new CompletableFuture<>();
        result = f;
        scope = CallScope.capture();
        f.whenComplete((r, t) -> {
            if (f.isCancelled()) {
                cancel();
            }
        });
        CompletableFuture<RequestBody> body;
        HttpRequest.BodyPublisher publisher = first.body();
        long declared = publisher == null ? 0 : publisher.contentLength(); // asked once
        if (publisher == null) {
            body = CompletableFuture.completedFuture(RequestBody.none());
        } else if (!gate.mustBuffer(declared)) {
            body = CompletableFuture.completedFuture(RequestBody.stream(publisher, declared));
        } else {
            body = RequestBody.capture(publisher, declared, gate.bodyLimit());
        }
        // Most bodies are read at once, so the first decision runs on the agent's thread.
        body.whenComplete((b, t) -> {
            if (t != null) {
                fail(t);
            } else {
                runHop(new Hop(0, first, b, null));
            }
        });
        return f;
    }

    private void runHop(Hop hop) {
        if (result.isDone()) {
            return;
        }
        try {
            if (hop.index > 0) {
                checkIdentity(hop);
            }
            Prepared p = prepare(hop);
            if (gate.needsApproval(identity, p.action())) {
                // Waiting for a person must not hold the agent's thread or the client's threads.
                FutureTask<Void> task = new FutureTask<>(() -> checkAndSend(p), null);
                pendingDecision = task;
                gate.decisionExecutor().execute(task);
                if (cancelled) {
                    task.cancel(true);
                }
            } else {
                checkAndSend(p);
            }
        } catch (Throwable t) {
            fail(t);
        }
    }

    private void checkAndSend(Prepared p) {
        Hop hop = p.hop();
        Permit permit;
        // Here may be the decision executor or the client's thread (a redirect): the call's scope goes along.
        try (CallScope reopened = scope.reopen()) {
            permit = gate.check(context, p.action());
        } catch (Throwable t) {
            fail(t);
            return;
        }
        HopOutcome outcome = new HopOutcome(gate, permit, hop.index, p.sent(), hop.request.uri(), this);
        if (cancelled) {
            outcome.failedBeforeBody(new CancellationException());
            return;
        }
        HopHandler<T> h = new HopHandler<>(this, hop, outcome);
        CompletableFuture<HttpResponse<T>> sent;
        client.started();
        try {
            sent = p.client().sendAsync(p.wire(), h);
        } catch (Throwable t) {
            client.ended();
            outcome.failedBeforeBody(t);
            fail(t);
            return;
        }
        InFlight current = new InFlight(sent, h, outcome);
        inFlight = current;
        if (cancelled) {
            current.cancel();
        }
        sent.whenComplete((response, t) -> {
            client.ended();
            try {
                if (t != null) {
                    if (!h.bodyStarted()) {
                        outcome.failedBeforeBody(t);
                    }
                    fail(t);
                } else if (h.cancelledBeforeBody()) {
                    fail(new CancellationException()); // the agent's future is cancelled already; its outcome is written
                } else if (h.redirect() != null) {
                    outcome.redirectDiscarded(h.discardedBytes());
                    HttpResponse<T> previous = new GuardedResponse<>(response.statusCode(), hop.request,
                            typed(hop.previous), response.headers(), null, response.sslSession().orElse(null),
                            response.version());
                    runHop(h.redirect().after(previous));
                } else {
                    result.complete(guarded(response, hop, typed(hop.previous), h));
                }
            } catch (Throwable e) {
                fail(e);
            }
        });
    }

    private void cancel() {
        cancelled = true;
        Future<?> decision = pendingDecision;
        if (decision != null) {
            decision.cancel(true);
        }
        InFlight f = inFlight;
        if (f != null) {
            f.cancel();
        }
    }

    private void fail(Throwable t) {
        Throwable cause = unwrap(t);
        if (cause instanceof Error e && !(cause instanceof StackOverflowError)) {
            result.completeExceptionally(e);
            return;
        }
        result.completeExceptionally(cause instanceof CancellationException ? cause : asIOExceptionOrSelf(cause));
    }

    // ------------------------------------------------------------------ shared

    private Prepared prepare(Hop hop) {
        Action action = gate.action(hop.request, hop.body);
        HttpGate.TargetCredential target = gate.credentialFor(action);
        HttpRequest.BodyPublisher publisher = hop.body.publisher();
        RequestBody.Counted counted = publisher == null ? null : new RequestBody.Counted(publisher);
        HttpRequest wire = gate.wire(hop.request, counted, target, identity);
        HttpClient sender = target == null || target.client() == null ? gate.delegate() : target.client();
        return new Prepared(hop, action, sender, wire, counted);
    }

    /**
     * Before a redirect hop: the identity captured at the call must still hold. An expired one is
     * renewed from the identity source under the caller's bindings when it answers for the same
     * agent; otherwise the hop is refused and journaled.
     */
    private void checkIdentity(Hop hop) throws HttpIdentityRefusedException {
        AgentIdentity current = identity;
        if (!current.isExpiredAt(gate.clock().instant())) {
            return;
        }
        try {
            AgentIdentity renewed;
            try {
                renewed = bindings.call(() -> gate.identities().currentIdentity());
            } catch (IdentityException e) {
                throw e;
            } catch (Exception e) {
                throw new IdentityException("the identity source failed with " + e.getClass().getName());
            }
            if (renewed == null || renewed.isExpiredAt(gate.clock().instant())) {
                throw new IdentityException("the identity of agent \"" + current.agentId() + "\" expired at "
                        + current.expiresAt() + " during the exchange, and the identity source has no valid one");
            }
            if (!renewed.agentId().equals(current.agentId())) {
                throw new IdentityException("this exchange belongs to agent \"" + current.agentId()
                        + "\" but the current identity is agent \"" + renewed.agentId() + "\"");
            }
            identity = renewed;
            CallContext c = context;
            context = new CallContext(renewed, c.sessionId(), c.traceId(), c.intent());
        } catch (IdentityException e) {
            throw gate.refuseWithoutIdentity(gate.describe(hop.request), e);
        }
    }

    /**
     * The agent's response: the headers its body handler was given (computed once, in
     * {@link HopHandler}), so the headers it reads always match the body it got.
     */
    private GuardedResponse<T> guarded(HttpResponse<T> response, Hop hop, HttpResponse<T> previous,
                                       HopHandler<T> h) {
        HttpHeaders visible = h.visibleHeaders();
        return new GuardedResponse<>(response.statusCode(), hop.request, previous,
                visible != null ? visible : MaskingBodyHandler.visibleHeaders(response.headers()), response.body(),
                response.sslSession().orElse(null), response.version());
    }

    @SuppressWarnings("unchecked")
    private static <T> HttpResponse<T> typed(HttpResponse<?> r) {
        // Previous responses carry no body, so any body type fits.
        return (HttpResponse<T>) r;
    }

    /** The journal's refusal when it caused {@code e}, else {@code e}. */
    private static IOException journalFailureIn(IOException e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof HttpJournalUnavailableException j) {
                return j;
            }
        }
        return e;
    }

    /** The exception inside a CompletionException or ExecutionException. */
    static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    private static Throwable asIOExceptionOrSelf(Throwable t) {
        if (t instanceof IOException || t instanceof IllegalArgumentException || t instanceof IllegalStateException
                || t instanceof SecurityException) {
            return t;
        }
        return asIOException(t);
    }

    private static IOException asIOException(Throwable t) {
        Throwable c = unwrap(t);
        if (c instanceof IOException io) {
            return io;
        }
        if (c instanceof InterruptedException) {
            return new InterruptedIOException("interrupted");
        }
        return new IOException(c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage()), c);
    }

    /**
     * A W3C traceparent for an exchange whose agent gave none, so that every hop's events share it.
     * Letters are placed among the hex digits so that a random id never reads as a card number or
     * an IBAN, which the journal would mask, breaking the trace.
     */
    static String newTraceParent() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        char[] c = new char[55];
        c[0] = '0';
        c[1] = '0';
        c[2] = '-';
        hexWithLetters(r.nextLong(), c, 3);
        hexWithLetters(r.nextLong(), c, 19);
        c[35] = '-';
        hexWithLetters(r.nextLong(), c, 36);
        c[52] = '-';
        c[53] = '0';
        c[54] = '1';
        return new String(c);
    }

    /**
     * Writes {@code bits} as 16 lowercase hex digits at {@code at}, the third and the eleventh a
     * letter (a-f): no run of more than seven digits (a card number needs twelve or more), and an id
     * can never start as an IBAN does (two letters, then two digits).
     */
    static void hexWithLetters(long bits, char[] c, int at) {
        for (int i = 0; i < 16; i++) {
            int nibble = (int) (bits >>> (60 - 4 * i)) & 0xf;
            if (i == 2 || i == 10) {
                nibble = 10 + nibble % 6;
            }
            c[at + i] = HEX[nibble];
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();
}

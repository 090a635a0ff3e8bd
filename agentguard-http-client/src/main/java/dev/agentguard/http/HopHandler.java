package dev.agentguard.http;

import dev.agentguard.http.body.MaskingBodyHandler;

import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The body handler the wrapped client gets for one hop. When the response arrives it decides
 * whether the guard follows it as a redirect — then the body is read and dropped — or whether it
 * is the agent's response — then the agent's handler gets it through the masking handler, and the
 * hop's outcome is journaled when the body ends, before the agent's handler sees the end.
 */
final class HopHandler<T> implements HttpResponse.BodyHandler<T> {

    private final Exchange<T> exchange;
    private final Hop hop;
    private final HopOutcome outcome;
    private volatile Hop redirect;
    /**
     * What became of the response: nothing yet, its body the agent's, its body dropped as a
     * redirect's, or the agent cancelled first. One atomic step decides between the agent's cancel
     * and the response's arrival, so exactly one of them journals the hop's outcome.
     */
    private final AtomicInteger state = new AtomicInteger(OPEN);
    private static final int OPEN = 0;
    private static final int BODY = 1;
    private static final int REDIRECT = 2;
    private static final int CANCELLED = 3;
    private volatile Discarding<T> discarding;
    private volatile HttpHeaders visibleHeaders;

    HopHandler(Exchange<T> exchange, Hop hop, HopOutcome outcome) {
        this.exchange = exchange;
        this.hop = hop;
        this.outcome = outcome;
    }

    /** The hop to follow, or {@code null} when the response goes to the agent. */
    Hop redirect() {
        return redirect;
    }

    /** Whether the agent's handler took the body; from then on the body's end journals the outcome. */
    boolean bodyStarted() {
        return state.get() == BODY;
    }

    /**
     * Marks the hop cancelled by the agent unless the agent's handler has taken the body; true
     * when the caller is now to journal the outcome. A redirect's body being dropped is cancelled
     * too: it was never the agent's.
     */
    boolean cancelBeforeBody() {
        while (true) {
            int s = state.get();
            if (s == BODY || s == CANCELLED) {
                return false;
            }
            if (state.compareAndSet(s, CANCELLED)) {
                return true;
            }
        }
    }

    /** Whether the agent cancelled before its handler had the body (which it then never gets). */
    boolean cancelledBeforeBody() {
        return state.get() == CANCELLED;
    }

    /**
     * The headers the agent's handler was given (those that match the masked body), or
     * {@code null} before it was applied.
     */
    HttpHeaders visibleHeaders() {
        return visibleHeaders;
    }

    /** Bytes of a dropped redirect body. */
    long discardedBytes() {
        Discarding<T> d = discarding;
        return d == null ? 0 : d.received;
    }

    @Override
    public HttpResponse.BodySubscriber<T> apply(HttpResponse.ResponseInfo info) {
        outcome.status(info.statusCode());
        Hop next = hop.next(info.statusCode(), info.headers(), exchange.gate());
        if (next != null) {
            if (!state.compareAndSet(OPEN, REDIRECT)) {
                return HttpResponse.BodySubscribers.replacing(null); // cancelled: nothing to follow
            }
            redirect = next;
            Discarding<T> d = new Discarding<>();
            discarding = d;
            // Where the JDK's adapter completes in line when the body ends, a subscriber of ours would cost a
            // thread hop; where it completes on the common pool, ours keeps the next hop on the client's executor.
            return MaskingBodyHandler.jdkAdapterCompletesInLine()
                    ? HttpResponse.BodySubscribers.fromSubscriber(d, ignored -> null) : d;
        }
        // The masking handler reports before the agent's subscriber sees the body end, so when the agent has
        // its string or bytes the outcome is journaled; a stream's outcome follows when the agent has read it.
        // The agent's handler is told the headers that match the masked body; they are kept for the response
        // the agent gets, so they are computed once.
        // The body is claimed before the agent's handler is applied (which may open a file): a cancel that
        // came first leaves it unapplied and the body unread; one that comes later ends the body, cancelled.
        if (!state.compareAndSet(OPEN, BODY)) {
            return HttpResponse.BodySubscribers.replacing(null);
        }
        HttpResponse.BodyHandler<T> agent = exchange.handler();
        return MaskingBodyHandler.<T>of(visible -> {
            visibleHeaders = visible.headers();
            return agent.apply(visible);
        }, exchange.gate().masker(), outcome::bodyEnded).apply(info);
    }

    /** Reads a redirect's body to the end and drops it, counting its bytes. */
    static final class Discarding<T> implements HttpResponse.BodySubscriber<T> {
        private final CompletableFuture<T> body = new CompletableFuture<>();
        volatile long received;

        @Override
        public CompletionStage<T> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> item) {
            long n = received;
            for (ByteBuffer b : item) {
                n += b.remaining();
            }
            received = n;
        }

        @Override
        public void onError(Throwable throwable) {
            body.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            body.complete(null);
        }
    }
}

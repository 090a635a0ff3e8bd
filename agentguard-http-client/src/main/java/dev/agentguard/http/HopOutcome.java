package dev.agentguard.http;

import dev.agentguard.core.guard.Permit;
import dev.agentguard.core.masking.MaskTally;
import dev.agentguard.http.body.BodyReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The outcome event of one hop, written exactly once whichever way the hop ends first: its body
 * read to the end (or failed, or cancelled), its redirect body discarded, or the request failing
 * before a response arrived. Counts: {@code http.status}, {@code http.hop} (0 for the agent's
 * request, 1 and up for redirects), {@code bytes.sent}, {@code bytes.received},
 * {@code bytes.delivered} and {@code masked.<field>}.
 */
final class HopOutcome {

    static final String STATUS = "http.status";
    static final String HOP = "http.hop";
    static final String SENT = "bytes.sent";
    static final String RECEIVED = "bytes.received";
    static final String DELIVERED = "bytes.delivered";
    static final String BODY_CANCELLED = "http.body-cancelled";
    /** Extension: the kind of response body ({@code json}, {@code text}, {@code form}, {@code binary}). */
    static final String BODY_KIND = "http.body-kind";
    /** Extension: the SHA-256 of a binary response body, which passes through unmasked. */
    static final String BODY_SHA256 = "http.body-sha256";

    private static final Logger LOG = LoggerFactory.getLogger(HopOutcome.class);

    private final HttpGate gate;
    private final Permit permit;
    private final int hop;
    private final RequestBody.Counted sent;
    private final URI uri;
    private final Exchange<?> exchange;
    private final AtomicBoolean done = new AtomicBoolean();
    /** Completes when the outcome is journaled; fails with the journal's error when it could not be. */
    final CompletableFuture<Void> journaled = new CompletableFuture<>();
    private volatile int status;

    HopOutcome(HttpGate gate, Permit permit, int hop, RequestBody.Counted sent, URI uri, Exchange<?> exchange) {
        this.gate = gate;
        this.permit = permit;
        this.hop = hop;
        this.sent = sent;
        this.uri = uri;
        this.exchange = exchange;
    }

    void status(int status) {
        this.status = status;
    }

    /**
     * The response body ended: completely, with a failure, or cancelled. Called by the masking
     * handler before the agent's handler sees the end; when a complete body's outcome cannot be
     * journaled it throws, so the agent's handler gets that error instead of the body (nothing
     * completes unjournaled).
     *
     * @throws UncheckedIOException with an {@link HttpJournalUnavailableException}
     */
    void bodyEnded(BodyReport report) {
        Map<String, Long> counts = counts();
        counts.put(RECEIVED, report.bytesReceived());
        counts.put(DELIVERED, report.bytesDelivered());
        if (report.maskedCounts() != null) {
            for (Map.Entry<String, Long> e : report.maskedCounts().entrySet()) {
                String name = e.getKey().startsWith(MaskTally.PREFIX) ? e.getKey() : MaskTally.PREFIX + e.getKey();
                counts.merge(name, e.getValue() == null ? 0 : e.getValue(), Long::sum);
            }
        }
        // What kind of body it was, and for a binary body (passed through unmasked) its SHA-256.
        Map<String, String> body = new LinkedHashMap<>();
        if (report.contentKind() != null) {
            body.put(BODY_KIND, report.contentKind());
        }
        if (report.binarySha256() != null) {
            body.put(BODY_SHA256, report.binarySha256());
        }
        if (exchange.isCancelled()) {
            finish("cancelled by the agent while the response body was read", counts, body);
        } else if (report.failure() != null) {
            finish(gate.errorText("the response body failed", report.failure(), uri), counts, body);
        } else {
            if (report.cancelled()) {
                counts.put(BODY_CANCELLED, 1L);
            }
            finish(null, counts, body);
            if (report.completed()) {
                try {
                    awaitJournaled();
                } catch (HttpJournalUnavailableException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    /** The body of a redirect the guard follows was read and dropped. */
    void redirectDiscarded(long received) throws HttpJournalUnavailableException {
        Map<String, Long> counts = counts();
        counts.put(RECEIVED, received);
        counts.put(DELIVERED, 0L);
        finish(null, counts, Map.of());
        awaitJournaled();
    }

    /** The hop failed before a response body began: the connection, the agent cancelling, an interrupt. */
    void failedBeforeBody(Throwable t) {
        Throwable cause = Exchange.unwrap(t);
        String why;
        if (exchange.isCancelled() || cause instanceof CancellationException) {
            why = status > 0 ? "cancelled by the agent after the response's headers arrived"
                    : "cancelled by the agent before the response arrived";
        } else if (cause instanceof InterruptedException) {
            why = "the agent's thread was interrupted before the response arrived";
        } else {
            why = gate.errorText("the request failed", cause, uri);
        }
        finish(why, counts(), Map.of());
    }

    /**
     * Waits until the outcome has been written, or has failed to be, by whichever thread began
     * it; for a caller that has just asked for the write, which may have lost it to another thread.
     */
    void awaitWritten() {
        journaled.exceptionally(failure -> null).join();
    }

    /** Throws when the outcome could not be journaled. */
    void awaitJournaled() throws HttpJournalUnavailableException {
        if (journaled.isCompletedExceptionally()) {
            try {
                journaled.join();
            } catch (RuntimeException e) {
                Throwable cause = Exchange.unwrap(e);
                if (cause instanceof HttpJournalUnavailableException j) {
                    throw j;
                }
                throw gate.outcomeNotJournaled(new IllegalStateException(cause));
            }
        }
    }

    private Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        int s = status;
        if (s > 0) {
            counts.put(STATUS, (long) s);
        }
        counts.put(HOP, (long) hop);
        counts.put(SENT, sent == null ? 0 : sent.sent());
        return counts;
    }

    private void finish(String error, Map<String, Long> counts, Map<String, String> extensions) {
        if (!done.compareAndSet(false, true)) {
            return;
        }
        try {
            if (error == null) {
                permit.succeeded(counts, extensions);
            } else {
                permit.failed(error, counts, extensions);
            }
            journaled.complete(null);
        } catch (Exception e) {
            LOG.warn("could not journal the outcome of an HTTP request of agent session {} on {}: {}",
                    gate.sessionId(), gate.resource(), e.getClass().getSimpleName());
            journaled.completeExceptionally(gate.outcomeNotJournaled(e));
        } catch (Error e) {
            journaled.completeExceptionally(e); // nobody waits for an outcome that will never be written
            throw e;
        }
    }
}

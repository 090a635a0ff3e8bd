package dev.agentguard.http.body;

import dev.agentguard.core.masking.Masker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Sits between the HTTP client and the agent's body subscriber: takes the body as the client
 * delivers it and passes on only what {@link BodyPipeline} made of it, under the agent's demand.
 *
 * <p>Flow rules kept: one upstream item is requested at a time and only when the agent has asked
 * for more than is ready, so at most one item in and one item out are held; signals to the agent
 * are serialised (a drain loop entered by one thread at a time, re-entrant calls from
 * {@code request} inside {@code onNext} included); {@code onComplete} or {@code onError} at most
 * once; a cancel from the agent (an {@code InputStream} closed early) cancels the body upstream.
 * The report runs exactly once, before the final signal reaches the agent; if it throws (the
 * outcome could not be journaled), a body that would have completed fails instead.
 */
final class MaskingBodySubscriber<T> implements HttpResponse.BodySubscriber<T> {
    private final HttpResponse.BodySubscriber<T> downstream;
    private final BodyPlan plan;
    private final BodyPipeline pipeline;
    private final Consumer<BodyReport> onFinish;

    // Signals from the client's and the agent's threads.
    private final ConcurrentLinkedQueue<List<ByteBuffer>> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicLong demand = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private volatile Flow.Subscription upstream;
    private volatile boolean upstreamDone;
    private volatile Throwable upstreamError;
    private volatile boolean cancelled;
    private volatile Throwable badRequest;
    /** Told when the body ends here rather than upstream (see {@link #onEndedByItself}); null when nobody asks. */
    private volatile Runnable endedByItself;
    /** Whether the next item is asked for after the drain loop is left rather than from inside it. */
    private volatile boolean askOutsideLoop;
    /** An item to ask for once the drain loop is left (with {@link #askOutsideLoop}). */
    private final AtomicBoolean askPending = new AtomicBoolean();

    // Drain-loop state: touched only by the thread inside drain().
    private boolean started;
    private boolean terminated;
    private boolean requested;
    private boolean inputEnded;
    private List<ByteBuffer> ready;

    MaskingBodySubscriber(HttpResponse.BodySubscriber<T> downstream, BodyPlan plan, Masker masker,
                          BodyMaskingOptions options, Consumer<BodyReport> onFinish) {
        this.downstream = downstream;
        this.plan = plan;
        this.onFinish = onFinish;
        this.pipeline = plan.refusal() == null ? new BodyPipeline(plan, masker, options) : null;
    }

    /**
     * Tells {@code listener} when this subscriber ends the body on its own — a body it cannot
     * mask, an agent subscriber that throws, asks for less than one item or cancels — after the
     * agent's subscriber got the signal. The client's stream is cancelled then and may signal
     * nothing more, so a wrapper whose body completes only with an upstream signal must hear it
     * from here.
     */
    void onEndedByItself(Runnable listener) {
        this.endedByItself = listener;
    }

    /**
     * Asks the client for the next item only after leaving the drain loop, never from inside it,
     * so that whatever the client delivers in answer — on this thread or another — finds the loop
     * free and is handled before the signal returns: when {@code onComplete} returns, the agent's
     * subscriber has had the body's end. For agent subscribers that take every item as it comes
     * ({@code ofString}); call before the client subscribes.
     */
    void handleSignalsInLine() {
        this.askOutsideLoop = true;
    }

    private void endedByItself() {
        Runnable listener = endedByItself;
        if (listener != null) {
            listener.run();
        }
    }

    @Override
    public CompletionStage<T> getBody() {
        return downstream.getBody();
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        Objects.requireNonNull(subscription, "subscription");
        if (upstream != null) {
            subscription.cancel(); // a second subscription is a client error: keep the first
            return;
        }
        upstream = subscription;
        downstream.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                if (n <= 0) {
                    badRequest = new IllegalArgumentException("request(" + n + "): demand must be positive (Flow rule 3.9)");
                } else {
                    demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
                }
                drain();
            }

            @Override
            public void cancel() {
                cancelled = true;
                drain();
            }
        });
        drain();
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        inbox.add(Objects.requireNonNull(item, "item"));
        drain();
    }

    @Override
    public void onError(Throwable throwable) {
        upstreamError = Objects.requireNonNull(throwable, "throwable");
        drain();
    }

    @Override
    public void onComplete() {
        upstreamDone = true;
        drain();
    }

    private void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        while (true) {
            if (upstream == null && (upstreamError != null || upstreamDone) && !terminated) {
                // A client that ends a body it never subscribed: still one report, and the agent told.
                Throwable error = upstreamError != null ? upstreamError
                        : new UnmaskableBodyException("the response body ended before it began (no subscription)");
                terminated = true;
                close();
                report(error, false);
                downstream.onError(error);
            } else if (upstream != null) {
                try {
                    drainLoop();
                } catch (RuntimeException | Error e) {
                    fail(e); // the agent's subscriber threw: it gets the error, the body stops
                }
            }
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                break;
            }
        }
        if (askPending.get() && askPending.compareAndSet(true, false)) {
            upstream.request(1); // the loop is free: what this delivers is handled at once, on its own thread
        }
    }

    private void drainLoop() {
        if (!started) {
            started = true;
            if (plan.refusal() != null) {
                fail(new UnmaskableBodyException(plan.refusal()));
                return;
            }
        }
        while (!terminated) {
            if (cancelled) {
                terminated = true;
                upstream.cancel();
                close();
                report(null, true);
                endedByItself();
                return;
            }
            Throwable error = badRequest != null ? badRequest : upstreamError;
            if (error != null) {
                fail(error);
                return;
            }
            if (ready == null) {
                try {
                    ready = produce();
                } catch (IOException e) {
                    fail(e);
                    return;
                } catch (RuntimeException e) {
                    // A masker or decoder defect must not let the body through: fail closed.
                    fail(new UnmaskableBodyException("the response body could not be masked ("
                            + e.getClass().getSimpleName() + "), so it is not delivered", e));
                    return;
                }
            }
            if (ready == BodyPipeline.END) {
                terminated = true;
                close();
                Throwable reportFailure = report(null, false);
                if (reportFailure != null) {
                    downstream.onError(reportFailure);
                } else {
                    downstream.onComplete();
                }
                return;
            }
            if (ready != null) {
                if (demand.get() == 0) {
                    return; // wait for the agent to ask
                }
                List<ByteBuffer> item = ready;
                ready = null;
                if (demand.get() != Long.MAX_VALUE) {
                    demand.decrementAndGet();
                }
                downstream.onNext(item);
                continue;
            }
            if (!requested && !inputEnded) {
                requested = true;
                if (askOutsideLoop) {
                    askPending.set(true);
                    return; // asked for in drain(), once the loop is free
                }
                upstream.request(1); // may call onNext right here: the loop picks it up
                continue;
            }
            return; // wait for the client
        }
    }

    /** The next item for the agent, {@link BodyPipeline#END}, or null when input must arrive. */
    private List<ByteBuffer> produce() throws IOException {
        while (true) {
            List<ByteBuffer> out = pipeline.next();
            if (out != null) {
                return out;
            }
            boolean done = upstreamDone; // read before polling: items come before completion
            List<ByteBuffer> item = inbox.poll();
            if (item != null) {
                requested = false;
                pipeline.accept(item);
                continue;
            }
            if (done && !inputEnded) {
                inputEnded = true;
                pipeline.end();
                continue;
            }
            return null;
        }
    }

    private void fail(Throwable error) {
        if (terminated) {
            return;
        }
        terminated = true;
        Flow.Subscription s = upstream;
        if (s != null && error != upstreamError) {
            s.cancel();
        }
        close();
        report(error, false);
        ready = null;
        inbox.clear();
        downstream.onError(error);
        if (error != upstreamError) {
            endedByItself();
        }
    }

    private void close() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    /**
     * Runs the report once; returns what should fail the body instead of completing it when the
     * report itself failed on a body that was about to complete, else null.
     */
    private Throwable report(Throwable failure, boolean wasCancelled) {
        BodyReport report = new BodyReport(
                pipeline == null ? 0 : pipeline.received(),
                pipeline == null ? 0 : pipeline.delivered(),
                pipeline == null ? java.util.Map.of() : pipeline.tally().counts(),
                pipeline == null ? plan.kind().label() : pipeline.kind().label(),
                pipeline == null || failure != null || wasCancelled ? null : pipeline.binarySha256(),
                failure, wasCancelled);
        try {
            onFinish.accept(report);
            return null;
        } catch (RuntimeException | Error e) {
            if (failure != null) {
                failure.addSuppressed(e);
                return null;
            }
            if (wasCancelled) {
                return null; // the agent has stopped listening; nobody is left to tell
            }
            Throwable cause = e instanceof UncheckedIOException ? e.getCause() : e;
            return cause instanceof IOException ? cause
                    : new UnmaskableBodyException("the response's outcome could not be recorded, so the body is not"
                    + " completed", e);
        }
    }
}

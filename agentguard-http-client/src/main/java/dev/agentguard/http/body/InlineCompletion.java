package dev.agentguard.http.body;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;

/**
 * Hands a masked body to the JDK client so that the response completes on the thread that
 * delivers the body's end, as it does for the JDK's own subscribers, rather than one thread
 * later.
 *
 * <p>The JDK client calls {@code getBody()} of a body subscriber it does not know on its
 * executor, since a custom {@code getBody()} may block; only its own subscribers are called
 * in line. Every masked response therefore paid a handoff to another thread (10 to 30 µs on a
 * small machine, more than the masking of a small body). The JDK's own
 * {@link HttpResponse.BodySubscribers#fromSubscriber fromSubscriber} adapter is one it knows:
 * its body completes when {@code onComplete} has run, without an executor. That fits exactly the
 * agent subscribers whose body completes at the body's end anyway — the JDK's
 * {@code ofString}, {@code ofByteArray}, {@code ofFile}, {@code ofByteArrayConsumer},
 * {@code discarding} and {@code replacing}, recognised by class in the JDK's own module (no other
 * code can define a class there). Every other subscriber ({@code ofInputStream}, {@code ofLines},
 * {@code ofPublisher}, custom ones) may hand out its body before the body is read and keeps the
 * executor path; so does any subscriber of a JDK whose classes are named differently.
 *
 * <p>Only where the adapter does complete in line: JDK 17's completes its body inside
 * {@code onComplete}; JDK 22 and later (JDK-8317295) complete it with {@code completeAsync}, on
 * the common pool, which saves no handoff and would move the agent's body off the executor it
 * gave its client. There every masked body keeps the executor path. {@link #IN_LINE} is what a
 * probe of the running JDK's adapter found when this class was loaded, whatever its version.
 */
final class InlineCompletion {
    private static final Module JDK_HTTP = HttpResponse.class.getModule();
    private static final Set<String> COMPLETE_AT_END = Set.of(
            "jdk.internal.net.http.ResponseSubscribers$ByteArraySubscriber",
            "jdk.internal.net.http.ResponseSubscribers$PathSubscriber",
            "jdk.internal.net.http.ResponseSubscribers$ConsumerSubscriber",
            "jdk.internal.net.http.ResponseSubscribers$NullSubscriber");

    /** Whether this JDK's {@code fromSubscriber} adapter completes its body inside {@code onComplete}. */
    static final boolean IN_LINE = adapterCompletesInLine();

    private InlineCompletion() {
    }

    /**
     * Completes one adapter over a subscriber that does nothing and looks whether its finisher ran
     * on this thread before {@code onComplete} returned. Any failure counts as "no": the executor
     * path is the JDK client's own default, never wrong, only a handoff slower.
     */
    private static boolean adapterCompletesInLine() {
        try {
            Thread probing = Thread.currentThread();
            HttpResponse.BodySubscriber<Boolean> adapter = HttpResponse.BodySubscribers.fromSubscriber(
                    new Flow.Subscriber<List<ByteBuffer>>() {
                        @Override
                        public void onSubscribe(Flow.Subscription subscription) {
                        }

                        @Override
                        public void onNext(List<ByteBuffer> item) {
                        }

                        @Override
                        public void onError(Throwable throwable) {
                        }

                        @Override
                        public void onComplete() {
                        }
                    }, subscriber -> Thread.currentThread() == probing);
            adapter.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                }
            });
            CompletableFuture<Boolean> body = adapter.getBody().toCompletableFuture();
            adapter.onComplete();
            return body.getNow(Boolean.FALSE);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            return false; // a failed probe must not fail the class, and with it every masked body
        }
    }

    /**
     * Whether a masked body for {@code subscriber} goes {@link #adapt behind the JDK's adapter}:
     * the JDK completes that adapter in line, and {@code subscriber} {@link #completesAtEnd
     * completes at the body's end}.
     */
    static boolean applies(HttpResponse.BodySubscriber<?> subscriber) {
        return IN_LINE && completesAtEnd(subscriber);
    }

    /** Whether {@code subscriber} is a JDK subscriber whose body completes only with the body's end. */
    static boolean completesAtEnd(HttpResponse.BodySubscriber<?> subscriber) {
        Class<?> type = subscriber.getClass();
        return type.getModule() == JDK_HTTP && COMPLETE_AT_END.contains(type.getName());
    }

    /**
     * {@code masking} behind the JDK's adapter: its body is its downstream's, taken when the body
     * ends. {@code masking} handles every signal in line (it asks for more only outside its drain
     * loop, and nothing but the client's serial signals enters the loop: these downstreams ask
     * for more only from inside their own {@code onNext}), so its downstream has the body's end
     * by the time the adapter asks for the body. When {@code masking} ends the body on its own (a
     * body it cannot mask, a file that cannot be written: the client's stream is cancelled and may
     * say nothing more), the adapter completes as the downstream's body does, with its error.
     */
    static <T> HttpResponse.BodySubscriber<T> adapt(MaskingBodySubscriber<T> masking) {
        masking.handleSignalsInLine();
        HttpResponse.BodySubscriber<T> adapter = HttpResponse.BodySubscribers.fromSubscriber(masking,
                InlineCompletion::bodyAtEnd);
        masking.onEndedByItself(() -> masking.getBody().whenComplete((body, failure) -> {
            if (failure == null) {
                adapter.onComplete(); // the masking subscriber has ended: only the body is taken
            } else {
                adapter.onError(failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
            }
        }));
        return adapter;
    }

    /**
     * The downstream's body, once the masking subscriber has handled the body's end. Never waits:
     * a body still open here would be a broken promise of the flow above, and fails rather than
     * blocking the client's thread. A failed body throws the {@code CompletionException} of its
     * cause, which the JDK client unwraps.
     */
    private static <T> T bodyAtEnd(MaskingBodySubscriber<T> masking) {
        CompletableFuture<T> body = masking.getBody().toCompletableFuture();
        if (!body.isDone()) {
            throw new IllegalStateException("the masked body had not completed when the response body ended");
        }
        return body.join();
    }
}

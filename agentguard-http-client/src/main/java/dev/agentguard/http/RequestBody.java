package dev.agentguard.http;

import java.io.IOException;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The body of one request as the guard holds it. A body the decision needs (a rule looks at the
 * body's size or a JSON field) or that a 307/308 redirect may have to send again is read once,
 * up to the buffer limit, by subscribing to the agent's publisher once:
 * <ul>
 *   <li>when it ends within the limit, it is kept as bytes and sent (and re-sent) from them, so a
 *       publisher that can be read only once is never read twice;</li>
 *   <li>when it goes past the limit, reading stops; the request is decided with an unknown size,
 *       and sent as the bytes read so far followed by the rest of that same subscription — once.</li>
 * </ul>
 * Other bodies go out as the agent's publisher, unread.
 */
final class RequestBody {

    private enum Kind { NONE, BYTES, STREAM, CONTINUED }

    private static final RequestBody NONE = new RequestBody(Kind.NONE, null, 0, null);

    private final Kind kind;
    private final byte[] bytes;
    private final int length;
    /** For STREAM and CONTINUED: a publisher whose length is the one read once, when the body was taken. */
    private final BodyPublisher publisher;

    private RequestBody(Kind kind, byte[] bytes, int length, BodyPublisher publisher) {
        this.kind = kind;
        this.bytes = bytes;
        this.length = length;
        this.publisher = publisher;
    }

    /** No body (GET, or a redirect that drops the body). */
    static RequestBody none() {
        return NONE;
    }

    /**
     * The agent's publisher, sent as it is, with the length it declared when it was taken: the
     * length the decision saw is the one the client sends and enforces, whatever the publisher
     * answers later.
     */
    static RequestBody stream(BodyPublisher publisher, long declared) {
        return new RequestBody(Kind.STREAM, null, 0, new Declared(publisher, declared));
    }

    /**
     * Reads {@code publisher} once, up to {@code limit} bytes.
     *
     * @param declared the length the publisher declared when it was taken, -1 for unknown
     * @return completes with the bytes (within the limit) or with the read part and the rest of
     * the subscription (past it); fails with an {@link IOException} when the publisher fails
     */
    static CompletableFuture<RequestBody> capture(BodyPublisher publisher, long declared, int limit) {
        Capture capture = new Capture(declared, limit);
        try {
            publisher.subscribe(capture);
        } catch (RuntimeException e) {
            capture.result.completeExceptionally(new IOException("the request body publisher failed when subscribed ("
                    + e.getClass().getSimpleName() + ")", e));
        }
        return capture.result;
    }

    /** The body's size for the decision: bytes read, the declared length, 0 for none, -1 when unknown. */
    long sizeForDecision() {
        return switch (kind) {
            case NONE -> 0;
            case BYTES -> length;
            case STREAM -> publisher.contentLength();
            case CONTINUED -> -1;
        };
    }

    /** Whether the whole body is held, so its content can be read for a decision. */
    boolean isBuffered() {
        return kind == Kind.BYTES;
    }

    byte[] bytes() {
        return bytes;
    }

    int length() {
        return length;
    }

    /** Whether the body can go out again (a 307 or 308 redirect): none, or held as bytes. */
    boolean resendable() {
        return kind == Kind.NONE || kind == Kind.BYTES;
    }

    /** Whether there is a body. */
    boolean isPresent() {
        return kind != Kind.NONE;
    }

    /** The publisher that sends the body on the wire; {@code null} for none. */
    BodyPublisher publisher() {
        return switch (kind) {
            case NONE -> null;
            case BYTES -> BodyPublishers.ofByteArray(bytes, 0, length);
            case STREAM, CONTINUED -> publisher;
        };
    }

    /** A publisher with the length it declared once, fixed. */
    private static final class Declared implements BodyPublisher {
        private final BodyPublisher inner;
        private final long length;

        Declared(BodyPublisher inner, long length) {
            this.inner = inner;
            this.length = length < 0 ? -1 : length;
        }

        @Override
        public long contentLength() {
            return length;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
            inner.subscribe(subscriber);
        }
    }

    /**
     * Wraps a publisher to count the bytes it hands the client. Counts start again with every
     * subscription: the client subscribes again to send a body again (a retry), and the count is
     * of the last sending.
     */
    static final class Counted implements BodyPublisher {
        private final BodyPublisher inner;
        private volatile AtomicLong current = new AtomicLong();

        Counted(BodyPublisher inner) {
            this.inner = inner;
        }

        long sent() {
            return current.get();
        }

        @Override
        public long contentLength() {
            return inner.contentLength();
        }

        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
            AtomicLong count = new AtomicLong();
            current = count;
            inner.subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    subscriber.onSubscribe(subscription);
                }

                @Override
                public void onNext(ByteBuffer item) {
                    count.addAndGet(item.remaining());
                    subscriber.onNext(item);
                }

                @Override
                public void onError(Throwable throwable) {
                    subscriber.onError(throwable);
                }

                @Override
                public void onComplete() {
                    subscriber.onComplete();
                }
            });
        }
    }

    /** Subscribes to the agent's publisher once and reads up to the limit, one item at a time. */
    private static final class Capture implements Flow.Subscriber<ByteBuffer> {
        final CompletableFuture<RequestBody> result = new CompletableFuture<>();
        private final long declared;
        private final int limit;
        private final AtomicInteger requests = new AtomicInteger();
        private Flow.Subscription subscription;
        private byte[] buffer = new byte[1024];
        private int size;
        /** Set once the limit is passed: everything after goes to the continuation. */
        private volatile Continuation continuation;

        Capture(long declared, int limit) {
            this.declared = declared;
            this.limit = limit;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            if (subscription != null) {
                s.cancel();
                return;
            }
            subscription = s;
            requestOne();
        }

        /** Requests one item; a trampoline, so a publisher that answers inside request() cannot grow the stack. */
        private void requestOne() {
            if (requests.getAndIncrement() == 0) {
                do {
                    subscription.request(1);
                } while (requests.decrementAndGet() != 0);
            }
        }

        @Override
        public void onNext(ByteBuffer item) {
            Continuation c = continuation;
            if (c != null) {
                c.upstreamNext(item);
                return;
            }
            int n = item.remaining();
            if ((long) size + n > limit) {
                byte[] read = new byte[size + n];
                System.arraycopy(buffer, 0, read, 0, size);
                item.get(read, size, n);
                buffer = null;
                c = new Continuation(subscription, ByteBuffer.wrap(read), declared);
                continuation = c;
                result.complete(new RequestBody(Kind.CONTINUED, null, 0, c));
                return;
            }
            if (size + n > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.min(limit, Math.max(buffer.length * 2, size + n)));
            }
            item.get(buffer, size, n);
            size += n;
            requestOne();
        }

        @Override
        public void onError(Throwable throwable) {
            Continuation c = continuation;
            if (c != null) {
                c.upstreamError(throwable);
            } else {
                result.completeExceptionally(new IOException("the request body could not be read ("
                        + throwable.getClass().getSimpleName() + ")", throwable));
            }
        }

        @Override
        public void onComplete() {
            Continuation c = continuation;
            if (c != null) {
                c.upstreamComplete();
            } else {
                result.complete(new RequestBody(Kind.BYTES, buffer, size, null));
            }
        }
    }

    /**
     * The bytes read before the limit was passed, then the rest of the agent's subscription: a
     * publisher that can be subscribed to once.
     */
    private static final class Continuation implements BodyPublisher {
        private final Flow.Subscription upstream;
        private final long declared;
        private final Queue<ByteBuffer> queue = new ConcurrentLinkedQueue<>();
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger();
        private final AtomicBoolean subscribed = new AtomicBoolean();
        private volatile Flow.Subscriber<? super ByteBuffer> downstream;
        private volatile boolean outstanding;
        private volatile boolean upstreamDone;
        private volatile Throwable upstreamError;
        private volatile boolean cancelled;
        private boolean terminated;

        Continuation(Flow.Subscription upstream, ByteBuffer prefix, long declared) {
            this.upstream = upstream;
            this.declared = declared;
            queue.add(prefix);
        }

        @Override
        public long contentLength() {
            return declared;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
            if (!subscribed.compareAndSet(false, true)) {
                subscriber.onSubscribe(new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                    }

                    @Override
                    public void cancel() {
                    }
                });
                subscriber.onError(new IOException("this request body was larger than the guard's buffer limit and "
                        + "has been sent once already; it cannot be sent again"));
                return;
            }
            downstream = subscriber;
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    if (n <= 0) {
                        upstreamError = new IllegalArgumentException("non-positive request: " + n);
                        drain();
                        return;
                    }
                    demand.getAndUpdate(d -> d + n < 0 ? Long.MAX_VALUE : d + n);
                    drain();
                }

                @Override
                public void cancel() {
                    cancelled = true;
                    upstream.cancel();
                    queue.clear();
                }
            });
        }

        void upstreamNext(ByteBuffer item) {
            queue.add(item);
            outstanding = false;
            drain();
        }

        void upstreamError(Throwable t) {
            upstreamError = t;
            drain();
        }

        void upstreamComplete() {
            upstreamDone = true;
            drain();
        }

        private void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            do {
                Flow.Subscriber<? super ByteBuffer> s = downstream;
                if (s != null && !terminated && !cancelled) {
                    ByteBuffer next;
                    while (demand.get() > 0 && (next = queue.poll()) != null) {
                        demand.decrementAndGet();
                        s.onNext(next);
                    }
                    if (queue.isEmpty()) {
                        Throwable error = upstreamError;
                        if (error != null) {
                            terminated = true;
                            s.onError(error);
                        } else if (upstreamDone) {
                            terminated = true;
                            s.onComplete();
                        } else if (demand.get() > 0 && !outstanding) {
                            outstanding = true;
                            upstream.request(1);
                        }
                    }
                }
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        }
    }
}

package dev.agentguard.http.body;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

/**
 * A real {@link Flow.Publisher} of a body cut into chunks, as the HTTP client delivers one:
 * items only on demand, signals serialised (a re-entrant request from inside onNext is queued,
 * not recursed into), cancel honoured. Records what the subscriber asked for, so tests can check
 * the masking subscriber's back-pressure.
 */
final class ChunkedPublisher implements Flow.Publisher<List<ByteBuffer>> {
    private final byte[] body;
    private final IntSupplier chunkSizes;
    private final int buffersPerItem;
    private final Throwable failAtEnd;

    final AtomicBoolean cancelled = new AtomicBoolean();
    final AtomicLong requestedTotal = new AtomicLong();
    final AtomicInteger itemsSent = new AtomicInteger();
    /** Most items requested and not yet sent at any moment. */
    final AtomicLong maxOutstanding = new AtomicLong();
    final AtomicBoolean completed = new AtomicBoolean();

    private ChunkedPublisher(byte[] body, IntSupplier chunkSizes, int buffersPerItem, Throwable failAtEnd) {
        this.body = body;
        this.chunkSizes = chunkSizes;
        this.buffersPerItem = buffersPerItem;
        this.failAtEnd = failAtEnd;
    }

    /** Chunks of {@code size} bytes, one buffer per item. */
    static ChunkedPublisher of(byte[] body, int size) {
        return new ChunkedPublisher(body, () -> size, 1, null);
    }

    /** Two chunks, cut at {@code cut} (one chunk when the cut is at either end). */
    static ChunkedPublisher split(byte[] body, int cut) {
        int[] sizes = cut <= 0 || cut >= body.length ? new int[] {body.length} : new int[] {cut, body.length - cut};
        int[] next = {0};
        return new ChunkedPublisher(body, () -> sizes[Math.min(next[0]++, sizes.length - 1)], 1, null);
    }

    /** Chunks of random sizes from 1 to {@code max} bytes, from a fixed seed. */
    static ChunkedPublisher random(byte[] body, int max, long seed) {
        Random random = new Random(seed);
        return new ChunkedPublisher(body, () -> 1 + random.nextInt(max), 1, null);
    }

    /** Chunks of {@code size} bytes, each item split into {@code buffers} buffers. */
    static ChunkedPublisher multiBuffer(byte[] body, int size, int buffers) {
        return new ChunkedPublisher(body, () -> size, buffers, null);
    }

    /** Sends the whole body in chunks of {@code size}, then fails with {@code error}. */
    static ChunkedPublisher failing(byte[] body, int size, Throwable error) {
        return new ChunkedPublisher(body, () -> size, 1, error);
    }

    @Override
    public void subscribe(Flow.Subscriber<? super List<ByteBuffer>> subscriber) {
        Emitter emitter = new Emitter(subscriber);
        subscriber.onSubscribe(emitter);
        emitter.drain();
    }

    private final class Emitter implements Flow.Subscription {
        private final Flow.Subscriber<? super List<ByteBuffer>> subscriber;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger wip = new AtomicInteger();
        private int position;
        private boolean done;

        Emitter(Flow.Subscriber<? super List<ByteBuffer>> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                throw new AssertionError("request(" + n + ")");
            }
            requestedTotal.addAndGet(n);
            long now = demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            maxOutstanding.accumulateAndGet(now, Math::max);
            drain();
        }

        @Override
        public void cancel() {
            cancelled.set(true);
            done = true;
        }

        void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            while (true) {
                while (!done && !cancelled.get()) {
                    if (position == body.length) {
                        done = true;
                        if (failAtEnd != null) {
                            subscriber.onError(failAtEnd);
                        } else {
                            completed.set(true);
                            subscriber.onComplete();
                        }
                        break;
                    }
                    if (demand.get() == 0) {
                        break;
                    }
                    demand.decrementAndGet();
                    int size = Math.min(Math.max(1, chunkSizes.getAsInt()), body.length - position);
                    List<ByteBuffer> item = new ArrayList<>();
                    int per = Math.max(1, size / buffersPerItem);
                    int end = position + size;
                    while (position < end) {
                        int k = Math.min(per, end - position);
                        byte[] copy = new byte[k];
                        System.arraycopy(body, position, copy, 0, k);
                        item.add(ByteBuffer.wrap(copy));
                        position += k;
                    }
                    itemsSent.incrementAndGet();
                    subscriber.onNext(List.copyOf(item));
                }
                missed = wip.addAndGet(-missed);
                if (missed == 0) {
                    return;
                }
            }
        }
    }
}

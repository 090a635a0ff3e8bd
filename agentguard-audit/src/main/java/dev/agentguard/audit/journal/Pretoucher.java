package dev.agentguard.audit.journal;

import net.openhft.chronicle.bytes.MappedBytes;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Touches the journal's next pages on a thread of its own, so that an append rarely writes to a
 * page of the memory-mapped cycle file for the first time. A first write to a page is a page
 * fault that allocates it on disk: about 5 µs per 4 KiB page on a virtual disk, more than the
 * rest of an append. Touching moves that cost off the agent's thread.
 *
 * <p>A touch is a compare-and-swap of 0 with 0 on the first word of each page ahead of the write
 * position, through the queue's own mapping of the file (the same pages the appender writes): it
 * faults the page in for writing and cannot change a byte, even if the appender writes the same
 * word at the same moment. Pages beyond the write position hold zeros, which is what Chronicle
 * expects there, so a touched page that is never written is harmless (the file is that long
 * already: Chronicle maps it in large chunks).
 *
 * <p>The appender asks for a touch when it has written {@value #STEP} bytes since its last request
 * or moved to a new cycle file; the thread then keeps {@value #AHEAD} bytes touched beyond the
 * write position. A failure to touch (say, the disk filled up) is logged and ends touching for
 * that file; the appends themselves are not affected, they then fault pages in themselves.
 */
final class Pretoucher {
    private static final Logger LOG = LoggerFactory.getLogger(Pretoucher.class);

    /** Bytes kept touched beyond the write position. */
    static final long AHEAD = 1L << 20;
    /** Bytes written between two requests to touch. */
    static final long STEP = 256L << 10;
    private static final int PAGE = 4096;

    private final SingleChronicleQueue queue;
    private final Thread thread;
    private volatile boolean stopped;
    private volatile int wantedCycle = Integer.MIN_VALUE;
    private volatile long wantedPosition;

    // Owned by the touching thread.
    private SingleChronicleQueueStore store;
    private MappedBytes bytes;
    private int storeCycle = Integer.MIN_VALUE;
    private long touchedTo;
    private boolean failedInCycle;

    // Owned by the appender (under the journal's lock).
    private int requestedCycle = Integer.MIN_VALUE;
    private long requestedAt = Long.MIN_VALUE;

    Pretoucher(SingleChronicleQueue queue, String journalId) {
        this.queue = queue;
        this.thread = new Thread(this::run, "agentguard-journal-pretouch-" + journalId);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Called by the appender after each write, under the journal's lock: wakes the touching thread
     * when the write position has moved {@value #STEP} bytes (or to a new cycle) since the last time.
     */
    void written(int cycle, long position) {
        if (cycle == requestedCycle && position - requestedAt < STEP) {
            return;
        }
        requestedCycle = cycle;
        requestedAt = position;
        wantedPosition = position;
        wantedCycle = cycle;
        LockSupport.unpark(thread);
    }

    /** Stops touching and releases the thread's hold on the cycle file; returns once the thread has ended. */
    void stop() {
        stopped = true;
        LockSupport.unpark(thread);
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (thread.isAlive() && System.nanoTime() < deadline) {
            try {
                thread.join(TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 1);
            } catch (InterruptedException e) {
                interrupted = true; // the queue must not close under the thread's mapping; keep waiting
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("journal pre-touch thread {} did not stop within 10 s", thread.getName());
        }
    }

    private void run() {
        try {
            while (!stopped) {
                int cycle = wantedCycle;
                if (cycle != Integer.MIN_VALUE) {
                    touch(cycle, wantedPosition);
                }
                if (!stopped) {
                    LockSupport.park(this); // returns at once when a request came in since the read above
                }
            }
        } finally {
            release();
        }
    }

    /** Touches the pages from just past {@code position} to {@link #AHEAD} beyond it in {@code cycle}'s file. */
    private void touch(int cycle, long position) {
        try {
            if (cycle != storeCycle) {
                release();
                storeCycle = cycle;
                failedInCycle = false;
                touchedTo = 0;
                store = queue.storeForCycle(cycle, queue.epoch(), false, null);
                if (store == null) {
                    return;
                }
                bytes = store.bytes();
            }
            if (bytes == null || failedInCycle) {
                return;
            }
            long from = Math.max(touchedTo, (position / PAGE + 1) * PAGE);
            long to = position + AHEAD;
            for (long p = from; p < to && !stopped; p += PAGE) {
                bytes.compareAndSwapInt(p, 0, 0);
                touchedTo = p + PAGE;
            }
        } catch (RuntimeException | Error e) {
            // InternalError is how a fault on a mapped page (a full disk) surfaces; appends report their own.
            failedInCycle = true;
            LOG.warn("journal pre-touch of cycle {} stopped at byte {}: {}", cycle, touchedTo, e.toString());
        }
    }

    private void release() {
        try {
            if (bytes != null) {
                bytes.releaseLast();
            }
        } catch (RuntimeException e) {
            LOG.debug("releasing the pre-touch mapping failed: {}", e.toString());
        } finally {
            bytes = null;
        }
        try {
            if (store != null) {
                queue.closeStore(store);
            }
        } catch (RuntimeException e) {
            LOG.debug("releasing the pre-touch store failed: {}", e.toString());
        } finally {
            store = null;
            storeCycle = Integer.MIN_VALUE;
        }
    }
}

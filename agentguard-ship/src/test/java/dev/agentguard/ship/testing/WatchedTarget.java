package dev.agentguard.ship.testing;

import dev.agentguard.ship.ShipBatch;
import dev.agentguard.ship.ShipPosition;
import dev.agentguard.ship.ShipTarget;
import dev.agentguard.ship.ShippingException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Passes everything to a real target, and lets a test watch and interfere: it counts the
 * connections, keeps the message of every failed send, and can run something against the far
 * end (fence a producer, change a topic) just before a given send.
 */
public final class WatchedTarget implements ShipTarget {
    /** What to do to the far end before a send. */
    public interface Interference {
        void before(ShipBatch batch) throws Exception;
    }

    private final ShipTarget target;
    private final List<String> failures = new ArrayList<>();
    private int connects;
    private int sends;
    private int interfereBeforeSend;
    private Interference interference;

    public WatchedTarget(ShipTarget target) {
        this.target = target;
    }

    /** Runs {@code interference} just before the {@code n}-th send of a non-empty batch (1 = the first). */
    public synchronized WatchedTarget interfereBeforeSend(int n, Interference interference) {
        this.interfereBeforeSend = n;
        this.interference = interference;
        return this;
    }

    @Override
    public String name() {
        return target.name();
    }

    @Override
    public ShipPosition connect(ShipPosition cursor) throws ShippingException {
        synchronized (this) {
            connects++;
        }
        return target.connect(cursor);
    }

    @Override
    public ShipPosition send(ShipBatch batch) throws ShippingException {
        if (!batch.isEmpty()) {
            Interference now = null;
            synchronized (this) {
                sends++;
                if (sends == interfereBeforeSend) {
                    now = interference;
                }
            }
            if (now != null) {
                try {
                    now.before(batch);
                } catch (Exception e) {
                    throw new AssertionError("the test could not interfere before send " + sends, e);
                }
            }
        }
        try {
            return target.send(batch);
        } catch (ShippingException e) {
            synchronized (this) {
                failures.add(e.getMessage());
                notifyAll();
            }
            throw e;
        }
    }

    /** How often the shipper connected (the first time and after every failure). */
    public synchronized int connects() {
        return connects;
    }

    /** The messages of the sends that failed, oldest first. */
    public synchronized List<String> failures() {
        return List.copyOf(failures);
    }

    /** Waits for the first failed send and returns its message; fails when none comes in time. */
    public synchronized String awaitFirstFailure(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (failures.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no send failed within " + timeout);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return failures.get(0);
    }

    @Override
    public void close() {
        target.close();
    }
}

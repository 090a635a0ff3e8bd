package dev.agentguard.ship.testing;

import dev.agentguard.ship.ShipBatch;
import dev.agentguard.ship.ShipItem;
import dev.agentguard.ship.ShipPosition;
import dev.agentguard.ship.ShipTarget;
import dev.agentguard.ship.ShippingException;

import java.util.ArrayList;
import java.util.List;

/**
 * A target that keeps what it receives in memory, for testing the shipper's side of the
 * contract: it can refuse batches, and acknowledge only part of what it got.
 */
public final class MemoryTarget implements ShipTarget {
    private final String name;
    private final List<ShipItem> received = new ArrayList<>();
    private int failNextSends;
    private int connects;
    private boolean acknowledgeNothing;
    private ShipPosition acked;

    public MemoryTarget(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized ShipPosition connect(ShipPosition cursor) {
        connects++;
        acked = cursor;
        return cursor;
    }

    @Override
    public synchronized ShipPosition send(ShipBatch batch) throws ShippingException {
        if (batch.isEmpty()) {
            return acked;
        }
        if (failNextSends > 0) {
            failNextSends--;
            // Half the batch arrived before the failure, as with a dropped connection.
            received.addAll(batch.items().subList(0, batch.items().size() / 2));
            throw new ShippingException("connection dropped");
        }
        received.addAll(batch.items());
        notifyAll();
        if (!acknowledgeNothing) {
            acked = batch.end();
        }
        return acked;
    }

    /** The next {@code n} non-empty sends fail after delivering half their items. */
    public synchronized void failNextSends(int n) {
        failNextSends = n;
    }

    /** From now on nothing is acknowledged (a receiver that accepts but never confirms). */
    public synchronized void acknowledgeNothing() {
        acknowledgeNothing = true;
    }

    public synchronized List<ShipItem> received() {
        return List.copyOf(received);
    }

    /** Sequence numbers of the events received, in order, repeats included. */
    public synchronized List<Long> eventSequences() {
        List<Long> out = new ArrayList<>();
        for (ShipItem i : received) {
            if (i instanceof ShipItem.Event e) {
                out.add(e.event().sequence());
            }
        }
        return out;
    }

    public synchronized int connects() {
        return connects;
    }

    /** Waits until {@code n} items were received. */
    public synchronized void awaitItems(int n, java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (received.size() < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("received " + received.size() + " items, not " + n);
            }
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    @Override
    public void close() {
        // nothing held
    }
}

package dev.agentguard.ship;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Tells the journal's retention sweep how far it may delete: through the last event every
 * shipping target has acknowledged, and no further. A journal that ships must never lose, to
 * its own retention, an event the central copy does not have yet.
 *
 * <p>It reads the targets' durable cursors ({@link ShipCursor}) each time it is asked, so it
 * holds whether the shipper runs in the agent's JVM or as {@code agentguard ship} in a process
 * of its own, and while that process is down.
 *
 * <pre>{@code
 * RetentionHold hold = RetentionHold.untilShipped(journalDir, "kafka-audit");
 * Journal journal = Journal.builder(journalDir).retentionGuard(hold::deletableThrough).open();
 * }</pre>
 */
public final class RetentionHold implements LongSupplier {
    private final List<ShipCursor> cursors;
    private final String journalId;

    private RetentionHold(List<ShipCursor> cursors, String journalId) {
        this.cursors = cursors;
        this.journalId = journalId;
    }

    /**
     * Holds back every event not yet acknowledged by all of {@code targetNames}, whose cursors
     * are in {@code cursorDirectory} (the journal directory unless the shipper was told otherwise).
     */
    public static RetentionHold untilShipped(Path cursorDirectory, String... targetNames) {
        Objects.requireNonNull(cursorDirectory, "cursorDirectory");
        if (targetNames.length == 0) {
            throw new IllegalArgumentException("name at least one shipping target whose acknowledgements retention waits for");
        }
        return new RetentionHold(java.util.Arrays.stream(targetNames).map(n -> ShipCursor.in(cursorDirectory, n)).toList(),
                null);
    }

    /**
     * This hold, counting a cursor only when it belongs to journal {@code journalId}: a cursor
     * left over from a journal that was replaced holds everything back.
     */
    public RetentionHold forJournal(String journalId) {
        return new RetentionHold(cursors, Objects.requireNonNull(journalId, "journalId"));
    }

    /**
     * The highest sequence number the retention sweep may delete: the smallest position any of
     * the targets acknowledged; 0 when one of them has acknowledged nothing, or its cursor cannot
     * be read (holding back is the safe answer).
     */
    public long deletableThrough() {
        long through = Long.MAX_VALUE;
        for (ShipCursor cursor : cursors) {
            Optional<ShipPosition> p;
            try {
                p = cursor.read();
            } catch (ShippingException e) {
                return 0;
            }
            if (p.isEmpty() || (journalId != null && !journalId.equals(p.get().journalId()))) {
                return 0;
            }
            through = Math.min(through, p.get().sequence());
        }
        return through;
    }

    /** Same as {@link #deletableThrough()}. */
    @Override
    public long getAsLong() {
        return deletableThrough();
    }
}

package dev.agentguard.ship;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.journal.JournalException;
import dev.agentguard.audit.reader.EventFilter;
import dev.agentguard.audit.reader.JournalReader;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How far shipping is behind the journal: while a target is slow or down the journal absorbs
 * the events, and this says how many and how old the oldest is.
 *
 * @param target               the target's name
 * @param journalSequence      the journal's newest event
 * @param acknowledgedSequence the newest event the target acknowledged (the durable cursor)
 * @param eventsBehind         events written but not yet acknowledged
 * @param timeBehind           how long the oldest unacknowledged event has waited (zero when caught up)
 * @param lastAcknowledgedAt   when the cursor last moved, or {@code null} when it has not moved
 *                             since the shipper started
 * @param lastError            the last failure since the last acknowledgement, or {@code null}
 */
public record ShippingLag(String target, long journalSequence, long acknowledgedSequence, long eventsBehind,
                          Duration timeBehind, Instant lastAcknowledgedAt, String lastError) {
    public ShippingLag {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(timeBehind, "timeBehind");
    }

    /** Seconds behind, for metrics. */
    public double secondsBehind() {
        return timeBehind.toNanos() / 1e9;
    }

    /**
     * The lag as the durable cursor of {@code targetName} in {@code cursorDirectory} records it,
     * whether or not a shipper is running (for {@code agentguard ship --lag} and monitoring).
     */
    public static ShippingLag ofCursor(Path journalDirectory, Path cursorDirectory, String targetName, Clock clock)
            throws JournalException, ShippingException {
        Optional<ShipPosition> cursor = ShipCursor.in(cursorDirectory, targetName).read();
        long acked = cursor.map(ShipPosition::sequence).orElse(0L);
        try (JournalReader reader = JournalReader.open(journalDirectory)) {
            long last = reader.lastSequence();
            Duration behind = Duration.ZERO;
            if (last > acked) {
                try (JournalReader.JournalCursor c = reader.cursor(EventFilter.all())) {
                    c.skipThrough(acked);
                    AuditEvent oldest = c.next();
                    if (oldest != null) {
                        behind = Duration.between(oldest.timestamp(), clock.instant());
                        if (behind.isNegative()) {
                            behind = Duration.ZERO;
                        }
                    }
                }
            }
            return new ShippingLag(targetName, last, acked, Math.max(0, last - acked), behind, null, null);
        }
    }
}

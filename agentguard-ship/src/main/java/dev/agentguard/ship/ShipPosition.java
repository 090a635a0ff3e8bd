package dev.agentguard.ship;

import dev.agentguard.audit.Hash;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How far a journal has been shipped to one target: the last event and the last checkpoint the
 * target acknowledged. This is what the durable cursor ({@link ShipCursor}) stores, and shipping
 * resumes right after it.
 *
 * @param journalId          the journal's id (the prefix of its event ids)
 * @param sequence           the last acknowledged event, 0 before the first
 * @param hash               that event's hash ({@link Hash#ZERO} before the first), so that a
 *                           resumed shipper can tell the journal still continues the shipped chain
 * @param checkpointSequence the event named by the last acknowledged checkpoint, 0 before the first
 * @param journalIndex       where that event is in the journal files (a Chronicle index), or -1
 *                           when unknown; only a shortcut for resuming, checked before it is used
 * @param targetState        what the target needs to resume, or {@code null}: for Kafka's
 *                           exactly-once mode the partition and offset it has read up to
 */
public record ShipPosition(String journalId, long sequence, Hash hash, long checkpointSequence, long journalIndex,
                           String targetState) {
    private static final Pattern JOURNAL_ID = Pattern.compile("[0-9a-f]{12}");
    private static final Pattern STATE = Pattern.compile("[A-Za-z0-9:._,@=+/-]{1,200}");

    public ShipPosition {
        Objects.requireNonNull(journalId, "journalId");
        Objects.requireNonNull(hash, "hash");
        if (!JOURNAL_ID.matcher(journalId).matches()) {
            throw new IllegalArgumentException("journalId must be 12 lower-case hex digits, got '" + journalId + "'");
        }
        if (sequence < 0 || checkpointSequence < 0) {
            throw new IllegalArgumentException("sequence and checkpointSequence are 0 or more, got " + sequence
                    + " and " + checkpointSequence);
        }
        if (sequence == 0 && !hash.equals(Hash.ZERO)) {
            throw new IllegalArgumentException("before the first event the hash is all zero");
        }
        if (targetState != null && !STATE.matcher(targetState).matches()) {
            throw new IllegalArgumentException("targetState must be 1 to 200 characters of letters, digits and "
                    + ":._,@=+/-, got '" + targetState + "'");
        }
    }

    /** Nothing of journal {@code journalId} shipped yet. */
    public static ShipPosition start(String journalId) {
        return new ShipPosition(journalId, 0, Hash.ZERO, 0, -1, null);
    }

    /** This position after {@code item} was acknowledged too. */
    public ShipPosition after(ShipItem item) {
        if (item instanceof ShipItem.Event e) {
            return new ShipPosition(journalId, e.event().sequence(), e.event().hash(), checkpointSequence,
                    e.journalIndex(), targetState);
        }
        ShipItem.CheckpointLine c = (ShipItem.CheckpointLine) item;
        return new ShipPosition(journalId, sequence, hash, Math.max(checkpointSequence, c.checkpoint().sequence()),
                journalIndex, targetState);
    }

    /** This position with the target's resume state replaced. */
    public ShipPosition withTargetState(String state) {
        return new ShipPosition(journalId, sequence, hash, checkpointSequence, journalIndex, state);
    }

    /** True when this position is past {@code other} in events or checkpoints. */
    public boolean isAfter(ShipPosition other) {
        return sequence > other.sequence || checkpointSequence > other.checkpointSequence;
    }
}

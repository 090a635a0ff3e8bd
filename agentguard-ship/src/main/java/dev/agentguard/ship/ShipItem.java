package dev.agentguard.ship;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.integrity.Checkpoint;

import java.util.Objects;

/** One thing to ship: an event of the journal, or a signed checkpoint from its {@code checkpoints.log}. */
public sealed interface ShipItem permits ShipItem.Event, ShipItem.CheckpointLine {

    /**
     * An event as the journal stores it.
     *
     * @param event        the decoded event
     * @param entry        the stored entry: the canonical encoding followed by its 32-byte SHA-256
     *                     (docs/journal-format.md), so that a verifier off the host can recompute
     *                     the hash; not copied, never to be changed
     * @param journalIndex the entry's Chronicle index, -1 when unknown
     */
    record Event(AuditEvent event, byte[] entry, long journalIndex) implements ShipItem {
        public Event {
            Objects.requireNonNull(event, "event");
            Objects.requireNonNull(entry, "entry");
        }
    }

    /**
     * A checkpoint line: journal id, event sequence, that event's hash, time, key id, signature.
     *
     * @param checkpoint the parsed line ({@link Checkpoint#toLine()} gives it back)
     */
    record CheckpointLine(Checkpoint checkpoint) implements ShipItem {
        public CheckpointLine {
            Objects.requireNonNull(checkpoint, "checkpoint");
        }
    }
}

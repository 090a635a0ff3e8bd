package dev.agentguard.ship;

import java.util.List;
import java.util.Objects;

/**
 * Events and checkpoints to send together, in journal order; checkpoints follow the events they
 * name.
 *
 * @param start where the target's acknowledgement stood before this batch
 * @param items what to send; may be empty, which only asks the target how far it has acknowledged
 */
public record ShipBatch(ShipPosition start, List<ShipItem> items) {
    public ShipBatch {
        Objects.requireNonNull(start, "start");
        items = List.copyOf(items);
    }

    /** The position once every item is acknowledged. */
    public ShipPosition end() {
        ShipPosition p = start;
        for (ShipItem item : items) {
            p = p.after(item);
        }
        return p;
    }

    /** True when there is nothing to send. */
    public boolean isEmpty() {
        return items.isEmpty();
    }
}

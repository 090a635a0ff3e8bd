package dev.agentguard.ship.verify;

/**
 * Consecutive sequence numbers, both ends included.
 *
 * @param first the first
 * @param last  the last
 */
public record SequenceRange(long first, long last) {
    public SequenceRange {
        if (first < 1 || last < first) {
            throw new IllegalArgumentException("a range runs from 1 or more up to itself or beyond, got " + first
                    + " to " + last);
        }
    }

    /** How many numbers the range holds. */
    public long size() {
        return last - first + 1;
    }

    @Override
    public String toString() {
        return first == last ? Long.toString(first) : first + "-" + last;
    }
}

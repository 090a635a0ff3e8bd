package dev.agentguard.core.guard;

/**
 * The counters of an action's outcome event ({@code rows}, {@code updated},
 * {@code masked.<field>}…), handed to the {@link Permit} without building a map: a channel's own
 * record of the run can be one, so that reporting an outcome allocates nothing.
 */
@FunctionalInterface
public interface OutcomeCounts {

    /** No counters. */
    OutcomeCounts NONE = sink -> { };

    /** Receives counters; a name given more than once counts the sum of its values. */
    @FunctionalInterface
    interface Sink {
        void add(String name, long value);
    }

    /** Hands every counter to {@code sink}. */
    void addTo(Sink sink);
}

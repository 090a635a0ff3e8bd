package dev.agentguard.core.masking;

/**
 * Finds one kind of sensitive value in text.
 *
 * <p>Implementations are stateless and thread-safe: one instance serves every thread. They report
 * hits in increasing order of start where they can, but the masker does not rely on it.
 */
public interface Detector {

    /** The detector's name as policies write it, lower case: {@code pan}, {@code email}. */
    String name();

    /** Calls {@code sink} once for each hit in {@code text}. */
    void find(CharSequence text, HitSink sink);

    /** Receives the hits of a detector. */
    @FunctionalInterface
    interface HitSink {
        /**
         * One hit: the characters from {@code start} (inclusive) to {@code end} (exclusive).
         *
         * @throws IllegalArgumentException when the range is empty or outside the text
         */
        void hit(int start, int end);
    }
}

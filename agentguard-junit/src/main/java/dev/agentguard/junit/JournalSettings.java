package dev.agentguard.junit;

import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.journal.RollCycle;

/**
 * How a test's journal is configured, read from a {@link TempJournal} annotation.
 *
 * @param checkpointEvery {@link TempJournal#checkpointEvery()}
 * @param rollCycle       {@link TempJournal#rollCycle()}
 */
record JournalSettings(int checkpointEvery, RollCycle rollCycle) {

    /** The settings of {@code annotation}. */
    static JournalSettings of(TempJournal annotation) {
        return new JournalSettings(annotation.checkpointEvery(), annotation.rollCycle());
    }

    /** The settings of an unannotated {@code Journal} field or parameter: the annotation's defaults. */
    static JournalSettings defaults() {
        return new JournalSettings(1_000, RollCycle.DAILY);
    }

    /** Applies these settings to {@code builder}. */
    Journal.Builder applyTo(Journal.Builder builder) {
        return builder.checkpointEvery(checkpointEvery).rollCycle(rollCycle);
    }

    @Override
    public String toString() {
        return "checkpointEvery=" + checkpointEvery + ", rollCycle=" + rollCycle;
    }
}

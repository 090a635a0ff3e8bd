package dev.agentguard.junit;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.journal.Journal;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Entry points of the journal assertions; import them statically.
 *
 * <pre>{@code
 * import static dev.agentguard.junit.JournalAssertions.assertThat;
 *
 * assertThat(journal).hasEventMatching(e -> e.agent("payments-agent").decision(Decision.DENIED));
 * }</pre>
 *
 * If AssertJ's {@code assertThat} is imported too, {@code assertThat(path)} and
 * {@code assertThat(list)} are ambiguous: write {@code JournalAssertions.assertThat(…)} there.
 */
public final class JournalAssertions {
    private JournalAssertions() {
    }

    /**
     * Assertions over the events of {@code journal}, open or closed. Each assertion reads the
     * journal's directory afresh, so it sees every event appended before it runs.
     */
    public static JournalAssert assertThat(Journal journal) {
        Objects.requireNonNull(journal, "journal");
        return new JournalAssert(new EventSource.Directory(journal.directory()));
    }

    /** Assertions over the journal in {@code journalDirectory}, read afresh by each assertion. */
    public static JournalAssert assertThat(Path journalDirectory) {
        return new JournalAssert(new EventSource.Directory(journalDirectory));
    }

    /**
     * Assertions over {@code events} (copied). {@code isIntact()} does not apply: a list has no
     * journal directory behind it.
     */
    public static JournalAssert assertThat(List<AuditEvent> events) {
        return new JournalAssert(new EventSource.Given(events));
    }
}

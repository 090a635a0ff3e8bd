package dev.agentguard.junit;

import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.journal.RollCycle;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives the annotated field or parameter this test's temporary journal: a {@link Journal} opened
 * in a new directory before the test, closed after it and then deleted (see
 * {@link AgentGuardJournalExtension} for keeping the journals of failed tests). Registers the
 * extension by itself.
 *
 * <p>Allowed types: {@link Journal}, and {@link JournalAssert} for assertions over it. A test has
 * one journal: every {@code @TempJournal} field and parameter of one test gets the same one, so
 * configure it in one place.
 *
 * <pre>{@code
 * class PaymentsAgentTest {
 *     @TempJournal(checkpointEvery = 10)
 *     Journal journal;
 *
 *     @Test
 *     void deniesDelete(JournalAssert audit) { … audit.hasEventMatching(e -> e.decision(Decision.DENIED)); }
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER})
@ExtendWith(AgentGuardJournalExtension.class)
public @interface TempJournal {

    /** Writes a checkpoint after this many events (1 to 10,000,000; default 1000, as {@link Journal.Builder#checkpointEvery}). */
    int checkpointEvery() default 1_000;

    /** How often the journal starts a new file (default {@link RollCycle#DAILY}, as {@link Journal.Builder#rollCycle}). */
    RollCycle rollCycle() default RollCycle.DAILY;
}

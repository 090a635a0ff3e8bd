package dev.agentguard.junit;

import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.journal.JournalException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static dev.agentguard.junit.JournalAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the extension does around a test (open, inject, close, delete or keep, fail), checked by
 * running small scenario classes on the JUnit Platform in-process.
 */
class ExtensionLifecycleTest {
    /** Journals the scenarios saw, in the order they saw them. */
    static final List<Journal> SEEN = new CopyOnWriteArrayList<>();
    /** Whatever else a scenario wants to report (sequence numbers, open flags). */
    static final List<Object> NOTES = new CopyOnWriteArrayList<>();

    @TempDir
    Path root;

    @BeforeEach
    void clear() {
        SEEN.clear();
        NOTES.clear();
    }

    @ScenarioRun.Scenario
    static class TwoTests {
        @TempJournal
        Journal journal;

        @Test
        void first() throws Exception {
            record();
        }

        @Test
        void second() throws Exception {
            record();
        }

        private void record() throws JournalException {
            SEEN.add(journal);
            NOTES.add(journal.lastSequence());
            journal.append(intent());
        }
    }

    @Test
    void givesEachTestAFreshJournalAndClosesAndDeletesItAfterwards() {
        ScenarioRun.Outcome run = ScenarioRun.run(TwoTests.class, Map.of(AgentGuardJournalExtension.JOURNAL_DIR, root.toString()));

        assertEquals(TestExecutionResult.successful(), run.of("first"));
        assertEquals(TestExecutionResult.successful(), run.of("second"));
        assertEquals(2, SEEN.size());
        assertNotSame(SEEN.get(0), SEEN.get(1));
        assertNotEquals(SEEN.get(0).directory(), SEEN.get(1).directory());
        assertEquals(List.of(1L, 1L), NOTES, "each test starts with only the journal.open event");
        for (Journal j : SEEN) {
            assertFalse(j.isOpen(), j + " must be closed after its test");
            assertFalse(Files.exists(j.directory()), j.directory() + " must be deleted after a passing test");
            assertEquals(root, j.directory().getParent());
        }
    }

    @ScenarioRun.Scenario
    static class FailingTest {
        @TempJournal
        Journal journal;

        @Test
        void fails() throws Exception {
            SEEN.add(journal);
            journal.append(intent());
            fail("the agent did something wrong");
        }

        @Test
        void passes() {
            SEEN.add(journal);
        }
    }

    @Test
    void closesTheJournalOfAFailedTestAndKeepsItWhenAsked() throws Exception {
        ScenarioRun.Outcome run = ScenarioRun.run(FailingTest.class, Map.of(
                AgentGuardJournalExtension.JOURNAL_DIR, root.toString(), AgentGuardJournalExtension.KEEP_JOURNALS, "true"));

        assertEquals("the agent did something wrong", run.failureOf("fails"));
        Journal failed = SEEN.stream().filter(j -> Files.exists(j.directory())).findFirst().orElseThrow();
        assertFalse(failed.isOpen());
        assertThat(failed.directory()).isIntact().eventsInOrder(
                e -> e.phase(Phase.SYSTEM).action("journal.open"),
                e -> e.decision(Decision.DENIED),
                e -> e.phase(Phase.SYSTEM).action("journal.close"));
        assertEquals(failed.directory().toString(), run.reportEntries().get("agentguard.journal"));
        assertEquals(List.of(failed.directory()), list(root), "the passing test's journal is deleted all the same");
    }

    @Test
    void deletesTheJournalOfAFailedTestByDefault() throws Exception {
        ScenarioRun.Outcome run = ScenarioRun.run(FailingTest.class, Map.of(AgentGuardJournalExtension.JOURNAL_DIR, root.toString()));

        assertEquals("the agent did something wrong", run.failureOf("fails"));
        assertEquals(2, SEEN.size());
        assertTrue(SEEN.stream().noneMatch(Journal::isOpen));
        assertEquals(List.of(), list(root));
        assertEquals(Map.of(), run.reportEntries());
    }

    @ScenarioRun.Scenario
    @ExtendWith(AgentGuardJournalExtension.class)
    static class ParameterInjection {
        @BeforeEach
        void setUp(Journal journal) throws Exception {
            SEEN.add(journal);
            journal.append(intent());
        }

        @Test
        void test(Journal journal, JournalAssert audit) {
            SEEN.add(journal);
            audit.hasExactly(1).eventsMatching(e -> e.decision(Decision.DENIED));
        }

        @AfterEach
        void tearDown(Journal journal) {
            SEEN.add(journal);
            NOTES.add(journal.isOpen());
        }
    }

    @Test
    void injectsOneJournalIntoBeforeEachTestAndAfterEachAndClosesItOnlyAfterAll() {
        ScenarioRun.Outcome run = ScenarioRun.run(ParameterInjection.class, Map.of(AgentGuardJournalExtension.JOURNAL_DIR, root.toString()));

        assertEquals(TestExecutionResult.successful(), run.of("test"));
        assertEquals(3, SEEN.size());
        assertSame(SEEN.get(0), SEEN.get(1));
        assertSame(SEEN.get(0), SEEN.get(2));
        assertEquals(List.of(true), NOTES, "still open in @AfterEach");
        assertFalse(SEEN.get(0).isOpen());
    }

    @ScenarioRun.Scenario
    static class AnnotatedBeforeEachParameterOnly {
        @BeforeEach
        void setUp(@TempJournal Journal journal) {
            SEEN.add(journal);
        }

        @Test
        void test() {
            NOTES.add(SEEN.get(0).isOpen());
        }
    }

    @Test
    void closesAJournalThatOnlyABeforeEachParameterAskedFor() {
        ScenarioRun.Outcome run = ScenarioRun.run(AnnotatedBeforeEachParameterOnly.class,
                Map.of(AgentGuardJournalExtension.JOURNAL_DIR, root.toString()));

        assertEquals(TestExecutionResult.successful(), run.of("test"));
        assertEquals(List.of(true), NOTES);
        assertFalse(SEEN.get(0).isOpen());
        assertFalse(Files.exists(SEEN.get(0).directory()));
    }

    @ScenarioRun.Scenario
    static class CloseFails {
        @TempJournal
        Journal journal;

        @Test
        void leavesACycleFileThatCannotBeSynced() throws Exception {
            SEEN.add(journal);
            // The closing checkpoint syncs the cycle files first; /dev/null cannot be synced
            // (fsync answers EINVAL), so close() fails the way a failing disk would make it.
            try (Stream<Path> files = Files.list(journal.directory())) {
                for (Path cycle : files.filter(f -> f.toString().endsWith(".cq4")).toList()) {
                    Files.delete(cycle);
                    Files.createSymbolicLink(cycle, Path.of("/dev/null"));
                }
            }
        }
    }

    @ScenarioRun.Scenario
    static class ConflictingSettings {
        @TempJournal(checkpointEvery = 10)
        Journal journal;

        @Test
        void test(@TempJournal(checkpointEvery = 20) Journal other) {
            fail("not reached");
        }
    }

    @Test
    void refusesTwoDifferentConfigurationsForOneTest() throws Exception {
        ScenarioRun.Outcome run = ScenarioRun.run(ConflictingSettings.class, Map.of(AgentGuardJournalExtension.JOURNAL_DIR, root.toString()));

        assertEquals("@TempJournal on parameter 1 of ConflictingSettings.test() asks for checkpointEvery=20, rollCycle=DAILY,"
                + " but this test's journal was already opened with checkpointEvery=10, rollCycle=DAILY"
                + " for field ConflictingSettings.journal; a test has one journal: configure it with @TempJournal in one place",
                run.failureOf("test"));
        assertEquals(List.of(), list(root), "the journal the field got is closed and deleted all the same");
    }

    @ScenarioRun.Scenario
    @ExtendWith(AgentGuardJournalExtension.class)
    static class UnannotatedThenAnnotated {
        @BeforeEach
        void setUp(Journal journal) {
            SEEN.add(journal);
        }

        @Test
        void test(@TempJournal(checkpointEvery = 5) Journal journal) {
            fail("not reached");
        }
    }

    @Test
    void saysWhenTheDefaultsWereTakenBeforeAnAnnotationAskedForOthers() {
        ScenarioRun.Outcome run = ScenarioRun.run(UnannotatedThenAnnotated.class,
                Map.of(AgentGuardJournalExtension.JOURNAL_DIR, root.toString()));

        assertEquals("@TempJournal on parameter 1 of UnannotatedThenAnnotated.test() asks for checkpointEvery=5, rollCycle=DAILY,"
                + " but this test's journal was already opened with checkpointEvery=1000, rollCycle=DAILY"
                + " (the defaults, for an unannotated Journal or JournalAssert); a test has one journal:"
                + " configure it with @TempJournal in one place", run.failureOf("test"));
    }

    @ScenarioRun.Scenario
    static class StaticField {
        @TempJournal
        static Journal journal;

        @Test
        void test() {
        }
    }

    @ScenarioRun.Scenario
    static class FinalField {
        @TempJournal
        final Journal journal = null;

        @Test
        void test() {
        }
    }

    @ScenarioRun.Scenario
    static class WrongType {
        @TempJournal
        Path journal;

        @Test
        void test() {
        }
    }

    @ScenarioRun.Scenario
    static class BadSetting {
        @TempJournal(checkpointEvery = 0)
        Journal journal;

        @Test
        void test() {
        }
    }

    @Test
    void explainsMisplacedOrMisconfiguredFields() {
        Map<String, String> config = Map.of(AgentGuardJournalExtension.JOURNAL_DIR, root.toString());
        assertEquals("@TempJournal field StaticField.journal is static, but a temporary journal lives for one test:"
                + " make it an instance field", ScenarioRun.run(StaticField.class, config).failureOf("test"));
        assertEquals("@TempJournal field FinalField.journal is final, but it is assigned before each test: remove final",
                ScenarioRun.run(FinalField.class, config).failureOf("test"));
        assertEquals("@TempJournal field WrongType.journal has type Path; use Journal or JournalAssert",
                ScenarioRun.run(WrongType.class, config).failureOf("test"));
        assertEquals("@TempJournal could not open a journal for field BadSetting.journal:"
                + " checkpointEvery must be 1 to 10,000,000 events, got 0",
                ScenarioRun.run(BadSetting.class, config).failureOf("test"));
    }

    @ScenarioRun.Scenario
    @ExtendWith(AgentGuardJournalExtension.class)
    static class BeforeAllParameter {
        @BeforeAll
        static void setUpAll(Journal journal) {
        }

        @Test
        void test() {
        }
    }

    @ScenarioRun.Scenario
    @ExtendWith(AgentGuardJournalExtension.class)
    static class ConstructorParameter {
        ConstructorParameter(Journal journal) {
        }

        @Test
        void test() {
        }
    }

    @Test
    void refusesAJournalForBeforeAll() {
        ScenarioRun.Outcome run = ScenarioRun.run(BeforeAllParameter.class, Map.of(AgentGuardJournalExtension.JOURNAL_DIR, root.toString()));

        assertEquals("A temporary journal lives for one test, so it cannot be given to parameter 1 of"
                + " BeforeAllParameter.setUpAll(); take it in the test method, a @BeforeEach or @AfterEach method,"
                + " or a @TempJournal field", run.failureOf("BeforeAllParameter"));
    }

    @Test
    void refusesAJournalForTheConstructor() {
        ScenarioRun.Outcome run = ScenarioRun.run(ConstructorParameter.class, Map.of(AgentGuardJournalExtension.JOURNAL_DIR, root.toString()));

        assertEquals("A temporary journal lives for one test, so it cannot be given to parameter 1 of"
                + " the constructor of ConstructorParameter; take it in the test method, a @BeforeEach or @AfterEach"
                + " method, or a @TempJournal field", run.failureOf("test"));
    }

    private static EventDraft intent() {
        return EventDraft.of(Phase.INTENT, Channel.JDBC).agent("payments-agent").action("DELETE FROM cards")
                .decision(Decision.DENIED, "no-delete");
    }

    private static List<Path> list(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}

package dev.agentguard.junit;

import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The extension as a test uses it: injection into fields and parameters, and configuration. */
class TempJournalTest {
    @TempJournal
    Journal journal;

    @TempJournal
    JournalAssert audit;

    @Test
    void fieldAndParametersShareTheTestsJournal(Journal parameter, JournalAssert assertions) throws Exception {
        assertSame(journal, parameter);
        assertTrue(journal.isOpen());
        journal.append(EventDraft.of(Phase.INTENT, Channel.SSH).agent("ops-agent").action("systemctl restart payments")
                .decision(Decision.APPROVAL_REQUIRED, "restart-needs-approval"));
        assertions.hasEventMatching(e -> e.channel(Channel.SSH).decision(Decision.APPROVAL_REQUIRED));
    }

    @Test
    void aJournalAssertFieldReadsTheSameJournal() throws Exception {
        journal.append(EventDraft.of(Phase.INTENT, Channel.HTTP).agent("ops-agent").action("GET /health"));
        audit.hasExactly(1).eventsMatching(e -> e.channel(Channel.HTTP).action("GET /health"));
    }

    @Test
    void namesTheDirectoryAfterTheTestSoAKeptJournalIsEasyToFind() {
        String name = journal.directory().getFileName().toString();
        assertTrue(name.matches("agentguard-journal-TempJournalTest-namesTheDirectoryAfterTheTestSoAKeptJournalIsEasyToFind-[a-z]{8}"),
                name);
    }

    @Test
    void unannotatedSettingsAreTheAnnotationDefaults() throws Exception {
        assertEquals(TempJournal.class.getMethod("checkpointEvery").getDefaultValue(), JournalSettings.defaults().checkpointEvery());
        assertEquals(TempJournal.class.getMethod("rollCycle").getDefaultValue(), JournalSettings.defaults().rollCycle());
    }

    @Nested
    class InANestedClass {
        @Test
        void theOuterFieldAndTheParameterShareOneJournal(Journal parameter) {
            assertSame(journal, parameter);
        }
    }
}

package dev.agentguard.junit.example;

import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Outcome;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.journal.JournalException;
import dev.agentguard.junit.JournalAssert;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.agentguard.junit.JournalAssertions.assertThat;

/** What the payments agent leaves in the audit journal, asserted in CI. */
class PaymentsAgentAuditTest {

    /** A fresh journal for every test; closed after it and deleted. */
    @TempJournal(checkpointEvery = 10)
    Journal journal;

    @Test
    void deniedDeleteIsJournaledAndNeverRuns(JournalAssert audit) throws Exception {
        new PaymentsAgent(journal).purgeExpiredCards();

        audit.hasEventMatching(e -> e.agent("payments-agent").channel(Channel.JDBC)
                        .decision(Decision.DENIED).rule("no-delete"))
                .hasNoEventMatching(e -> e.actionContaining("DELETE").phase(Phase.OUTCOME))
                .containsNoPan()
                .isIntact();
    }

    @Test
    void everyCardLookupHasAnIntentThenAnOutcome(JournalAssert audit) throws Exception {
        new PaymentsAgent(journal).lookUpCard();

        audit.eventsInOrder(
                        e -> e.phase(Phase.INTENT).agent("payments-agent").decision(Decision.MASKED).rule("mask-pan"),
                        e -> e.phase(Phase.OUTCOME).agent("payments-agent").outcome(Outcome.SUCCESS).count("rows", 1))
                .hasExactly(1).eventsMatching(e -> e.phase(Phase.OUTCOME))
                .containsNoPan();
    }

    @Test
    void theClosedJournalVerifiesAsAWhole() throws Exception {
        new PaymentsAgent(journal).lookUpCard();
        journal.close(); // closing twice is fine: the extension's close after the test does nothing

        assertThat(journal.directory())
                .isIntact()
                .eventsInOrder(e -> e.action("journal.open"), e -> e.phase(Phase.OUTCOME), e -> e.action("journal.close"));
    }

    /**
     * Stands in for the agent under test. A real agent gets a guarded DataSource that writes these
     * events itself; this one writes them directly, already redacted, as the guard would.
     */
    static final class PaymentsAgent {
        private final Journal journal;

        PaymentsAgent(Journal journal) {
            this.journal = journal;
        }

        void purgeExpiredCards() throws JournalException {
            journal.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("payments-agent").resource("paymentsDb")
                    .action("DELETE FROM cards WHERE expiry < ?").objects("PUBLIC.CARDS")
                    .decision(Decision.DENIED, "no-delete"));
        }

        void lookUpCard() throws JournalException {
            journal.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("payments-agent").resource("paymentsDb")
                    .action("SELECT pan, expiry FROM cards WHERE id = ?").objects("PUBLIC.CARDS")
                    .decision(Decision.MASKED, "mask-pan"));
            journal.append(EventDraft.of(Phase.OUTCOME, Channel.JDBC).agent("payments-agent").resource("paymentsDb")
                    .action("SELECT pan, expiry FROM cards WHERE id = ?").succeeded()
                    .count("rows", 1).count("masked.cards.pan", 1).duration(Duration.ofMillis(3)));
        }
    }
}

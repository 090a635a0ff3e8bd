package dev.agentguard.junit;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opentest4j.AssertionFailedError;

import java.util.List;

import static dev.agentguard.junit.Events.event;
import static dev.agentguard.junit.JournalAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * containsNoPan: catches every card brand however it is written, wherever it hides, never prints
 * it, and leaves timestamps and Luhn-invalid numbers alone.
 */
class ContainsNoPanTest {

    @Test
    void passesWhenNoFieldHoldsACardNumber() {
        assertThat(List.of(
                event(1).action("SELECT * FROM orders WHERE created > '2026-11-25T22:14:03.123456789Z'").build(),
                event(2).action("batch 20261125221403121 at 1764108843129 (1764108843123456786 ns)")
                        .extension("ref", "4111111111111112").count("bytes", 1_048_576).build()))
                .containsNoPan();
    }

    @Test
    void ignoresTheJournalDirectoryThatTheJournalsOwnEventsNameButNotAnAgentsResource() {
        String dir = "/tmp/junit4111111111111111/journal";
        assertThat(List.of(event(1).phase(Phase.SYSTEM).channel(Channel.JOURNAL).agent("agentguard-journal")
                .resource(dir).action("journal.open").build())).containsNoPan();

        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> assertThat(List.of(
                event(2).agent("ops-agent").channel(Channel.SSH).resource(dir).action("ls").build())).containsNoPan());
        assertEquals("  #2 (0123abcdefab-2) resource: 411111******1111", e.getMessage().lines().skip(1).findFirst().orElseThrow());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111",     // Visa
            "5555555555554444", "5555 5555 5555 4444", "5555-5555-5555-4444",     // Mastercard
            "2223003122003222", "2223 0031 2200 3222", "2223-0031-2200-3222",     // Mastercard 2-series
            "378282246310005", "3782 822463 10005", "3782-822463-10005",          // Amex
            "6011111111111117", "6011 1111 1111 1117", "6011-1111-1111-1117"})    // Discover
    void catchesEveryBrandPlainSpacedAndDashedWithoutPrintingIt(String pan) {
        String digits = pan.replaceAll("[ -]", "");
        String masked = digits.substring(0, 6) + "*".repeat(digits.length() - 10) + digits.substring(digits.length() - 4);
        List<AuditEvent> events = List.of(event(3).agent("support-agent").action("UPDATE tickets SET note = 'card " + pan
                + "' WHERE id = ?").decision(Decision.ALLOWED, "tickets-rw").build());

        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> assertThat(events).containsNoPan());

        assertEquals("Expected no card number (PAN) in the given events, but found 1:\n"
                + "  #3 (0123abcdefab-3) action: " + masked + "\n"
                + "Events (1, oldest first):\n"
                + "  #3 INTENT   agent=support-agent channel=JDBC decision=ALLOWED rule=tickets-rw "
                + "action=\"UPDATE tickets SET note = 'card " + masked + "' WHERE id = ?\"", e.getMessage());
        assertFalse(e.getMessage().contains(pan), "the message must not print the card number");
        assertFalse(e.getMessage().contains(digits), "the message must not print the card number");
    }

    @Test
    void looksInEveryFieldAndNamesEach() {
        String visa = "4111111111111111";
        AuditEvent everywhere = event(5).agent("agent-" + visa).onBehalfOf(visa).session("s " + visa)
                .intent("refund " + visa).resource("db-" + visa).action("SELECT 1").objects("CARDS", "T_" + visa)
                .decision(Decision.DENIED, "rule-" + visa).error("failed for 5555-5555-5555-4444")
                .count("card", Long.parseLong(visa)).count("pan 5555555555554444", 1)
                .extension("note", "call about 3782 822463 10005").extension("x-6011111111111117", "ok").build();

        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> assertThat(List.of(everywhere)).containsNoPan());

        assertEquals("""
                Expected no card number (PAN) in the given events, but found 12:
                  #5 (0123abcdefab-5) agent: 411111******1111
                  #5 (0123abcdefab-5) onBehalfOf: 411111******1111
                  #5 (0123abcdefab-5) session: 411111******1111
                  #5 (0123abcdefab-5) intent: 411111******1111
                  #5 (0123abcdefab-5) resource: 411111******1111
                  #5 (0123abcdefab-5) objects[1]: 411111******1111
                  #5 (0123abcdefab-5) rule: 411111******1111
                  #5 (0123abcdefab-5) error: 555555******4444
                  #5 (0123abcdefab-5) counts["card"]: 411111******1111
                  #5 (0123abcdefab-5) counts name #2: 555555******4444
                  #5 (0123abcdefab-5) extensions["note"]: 378282*****0005
                  #5 (0123abcdefab-5) extensions name #2: 601111******1117
                Events (1, oldest first):
                  #5 INTENT   agent=agent-411111******1111 channel=JDBC decision=DENIED rule=rule-411111******1111 action="SELECT 1\"""",
                e.getMessage());
    }

    @Test
    void theJournalMasksCardsInTextSoAJournalPasses(@TempJournal Journal journal, JournalAssert audit) throws Exception {
        journal.append(EventDraft.of(Phase.INTENT, Channel.HTTP).agent("support-agent")
                .action("POST /tickets note=card 4111 1111 1111 1111").decision(Decision.ALLOWED, "tickets-rw"));

        audit.containsNoPan()
                .hasEventMatching(e -> e.action("POST /tickets note=card [REDACTED:PAN]").count(EventDraft.SAFETY_NET_COUNT, 1));
        // What docs/junit.md suggests to catch the redaction gap the safety net had to close:
        AssertionFailedError gap = assertThrows(AssertionFailedError.class, () -> audit.hasNoEventMatching(
                e -> e.where("safety net used", ev -> ev.count("journal.safetyNetMasked").isPresent())));
        assertEquals("Expected no event matching [safety net used]", gap.getMessage().lines().findFirst().orElseThrow());
    }

    @Test
    void catchesACardNumberStoredAsACountInEventsFromAnotherWriter() {
        // The journal's safety net masks count values since format 1's first fix; events read
        // from elsewhere (an export, an older writer) are checked all the same.
        List<AuditEvent> events = List.of(event(2).agent("payments-agent").action("SELECT pan FROM cards")
                .outcome(dev.agentguard.audit.Outcome.SUCCESS).count("last-card", 4111111111111111L).build());

        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> assertThat(events).containsNoPan());

        assertEquals("  #2 (0123abcdefab-2) counts[\"last-card\"]: 411111******1111",
                e.getMessage().lines().skip(1).findFirst().orElseThrow());
        assertFalse(e.getMessage().contains("4111111111111111"));
    }

    @Test
    void passesAJournalWhoseWriterPutACardNumberInACount(@TempJournal Journal journal, JournalAssert audit)
            throws Exception {
        journal.append(EventDraft.of(Phase.OUTCOME, Channel.JDBC).agent("payments-agent").action("SELECT pan FROM cards")
                .succeeded().count("last-card", 4111111111111111L));

        audit.containsNoPan().hasEventMatching(m -> m.count("last-card", -1));
    }
}

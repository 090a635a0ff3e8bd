package dev.agentguard.junit;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Outcome;
import dev.agentguard.audit.Phase;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static dev.agentguard.junit.Events.event;
import static dev.agentguard.junit.JournalAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every assertion, passing and failing, over a list of events; failure messages are API. */
class JournalAssertTest {
    private static final List<AuditEvent> STORY = Events.paymentsStory();

    private static final String STORY_LINES = String.join("\n",
            "  #1 SYSTEM   agent=agentguard-journal channel=JOURNAL decision=- rule=- action=\"journal.open\"",
            "  #2 INTENT   agent=payments-agent channel=JDBC decision=DENIED rule=no-delete action=\"DELETE FROM cards WHERE id = ?\"",
            "  #3 INTENT   agent=payments-agent channel=JDBC decision=MASKED rule=mask-pan action=\"SELECT pan FROM cards WHERE id = ?\"",
            "  #4 OUTCOME  agent=payments-agent channel=JDBC decision=- rule=- action=\"SELECT pan FROM cards WHERE id = ?\"");

    @Test
    void hasEventMatchingPassesWhenOneEventMeetsEveryCriterion() {
        JournalAssert a = assertThat(STORY);
        assertSame(a, a.hasEventMatching(e -> e.agent("payments-agent").channel(Channel.JDBC)
                .decision(Decision.DENIED).rule("no-delete")));
    }

    @Test
    void hasEventMatchingNamesTheClosestEventAndListsTheEvents() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> assertThat(STORY)
                .hasEventMatching(m -> m.agent("payments-agent").channel(Channel.JDBC).decision(Decision.DENIED)
                        .rule("no-update")));
        assertEquals("""
                Expected an event matching [agent="payments-agent", channel=JDBC, decision=DENIED, rule="no-update"]
                in the given events, but none of 4 events matches.
                Closest: #2, which does not match rule="no-update".
                Events (4, oldest first):
                """ + STORY_LINES, e.getMessage());
    }

    @Test
    void hasEventMatchingSaysWhenThereAreNoEvents() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> assertThat(List.of()).hasEventMatching(m -> m.phase(Phase.INTENT)));
        assertEquals("""
                Expected an event matching [phase=INTENT]
                in the given events, but there are no events.
                Events: none.""", e.getMessage());
    }

    @Test
    void failureMessagesListOnlyTheTwentyMostRecentEvents() {
        List<AuditEvent> many = new ArrayList<>();
        for (int i = 1; i <= 25; i++) {
            many.add(event(i).agent("batch-agent").action("SELECT " + i).build());
        }
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> assertThat(many).hasEventMatching(m -> m.agent("payments-agent")));
        String msg = e.getMessage();
        assertEquals(1 + 1 + 1 + 20, msg.lines().count(), msg);
        assertEquals("Events (last 20 of 25, oldest first):", msg.lines().skip(2).findFirst().orElseThrow());
        assertEquals("  #6 INTENT   agent=batch-agent channel=JDBC decision=- rule=- action=\"SELECT 6\"",
                msg.lines().skip(3).findFirst().orElseThrow());
        assertEquals("  #25 INTENT   agent=batch-agent channel=JDBC decision=- rule=- action=\"SELECT 25\"",
                msg.lines().reduce((x, y) -> y).orElseThrow());
    }

    @Test
    void hasNoEventMatchingPassesWhenNoEventMeetsEveryCriterion() {
        assertThat(STORY).hasNoEventMatching(e -> e.decision(Decision.ALLOWED))
                .hasNoEventMatching(e -> e.decision(Decision.DENIED).agent("reporting-agent"));
    }

    @Test
    void hasNoEventMatchingListsTheEventsThatMatch() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> assertThat(STORY).hasNoEventMatching(m -> m.object("PUBLIC.CARDS")));
        assertEquals("""
                Expected no event matching [objects contain "PUBLIC.CARDS"]
                in the given events, but 2 of 4 events match:
                  #2 INTENT   agent=payments-agent channel=JDBC decision=DENIED rule=no-delete action="DELETE FROM cards WHERE id = ?"
                  #3 INTENT   agent=payments-agent channel=JDBC decision=MASKED rule=mask-pan action="SELECT pan FROM cards WHERE id = ?\"""",
                e.getMessage());
    }

    @Test
    void hasExactlyPassesOnTheExactCount() {
        assertThat(STORY).hasExactly(2).eventsMatching(e -> e.agent("payments-agent").phase(Phase.INTENT))
                .hasExactly(0).eventsMatching(e -> e.decision(Decision.APPROVAL_REQUIRED));
    }

    @Test
    void hasExactlyMarksTheMatchingEventsAndReportsBothCounts() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> assertThat(STORY)
                .hasExactly(3).eventsMatching(m -> m.agent("payments-agent").phase(Phase.INTENT)));
        assertEquals("""
                Expected exactly 3 events matching [agent="payments-agent", phase=INTENT]
                in the given events, but 2 of 4 events match.
                Events (4, oldest first; * = matches):
                    #1 SYSTEM   agent=agentguard-journal channel=JOURNAL decision=- rule=- action="journal.open"
                  * #2 INTENT   agent=payments-agent channel=JDBC decision=DENIED rule=no-delete action="DELETE FROM cards WHERE id = ?"
                  * #3 INTENT   agent=payments-agent channel=JDBC decision=MASKED rule=mask-pan action="SELECT pan FROM cards WHERE id = ?"
                    #4 OUTCOME  agent=payments-agent channel=JDBC decision=- rule=- action="SELECT pan FROM cards WHERE id = ?\"""",
                e.getMessage());
        assertEquals(3, e.getExpected().getValue());
        assertEquals(2, e.getActual().getValue());
    }

    @Test
    void hasExactlyOneSaysNoneWhenNothingMatches() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> assertThat(STORY).hasExactly(1).eventsMatching(m -> m.outcome(Outcome.FAILURE)));
        assertEquals("Expected exactly 1 event matching [outcome=FAILURE]\n"
                + "in the given events, but none of 4 events matches.", e.getMessage().lines().limit(2)
                .reduce((x, y) -> x + "\n" + y).orElseThrow());
    }

    @Test
    void hasExactlyRejectsANegativeCount() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> assertThat(STORY).hasExactly(-1));
        assertEquals("hasExactly needs a count of 0 or more, got -1", e.getMessage());
    }

    @Test
    void eventsInOrderPassesWithOtherEventsBetween() {
        assertThat(STORY).eventsInOrder(
                e -> e.phase(Phase.SYSTEM).action("journal.open"),
                e -> e.phase(Phase.INTENT).decision(Decision.MASKED),
                e -> e.phase(Phase.OUTCOME).outcome(Outcome.SUCCESS));
    }

    @Test
    void eventsInOrderTakesMatcherObjectsToo() {
        EventMatcher cards = EventMatcher.anyEvent().agent("payments-agent");
        assertThat(STORY).eventsInOrder(cards.decision(Decision.DENIED), cards.phase(Phase.OUTCOME));
    }

    @Test
    void eventsInOrderSaysWhichStepIsMissingAndThatItCameEarlier() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> assertThat(STORY)
                .eventsInOrder(m -> m.phase(Phase.OUTCOME), m -> m.decision(Decision.DENIED), m -> m.phase(Phase.SYSTEM)));
        assertEquals("""
                Expected events in this order
                in the given events:
                  1. [phase=OUTCOME] -> #4
                  2. [decision=DENIED] -> missing: no event after #4 matches; #2 matches but comes earlier
                  3. [phase=SYSTEM] -> not looked for
                Events (4, oldest first):
                """ + STORY_LINES, e.getMessage());
    }

    @Test
    void eventsInOrderSaysWhenAStepMatchesNowhere() {
        AssertionFailedError first = assertThrows(AssertionFailedError.class, () -> assertThat(STORY)
                .eventsInOrder(m -> m.decision(Decision.APPROVED), m -> m.phase(Phase.OUTCOME)));
        assertEquals("""
                Expected events in this order
                in the given events:
                  1. [decision=APPROVED] -> missing: no event matches
                  2. [phase=OUTCOME] -> not looked for""", first.getMessage().lines().limit(4)
                .reduce((x, y) -> x + "\n" + y).orElseThrow());

        AssertionFailedError second = assertThrows(AssertionFailedError.class, () -> assertThat(STORY)
                .eventsInOrder(m -> m.decision(Decision.DENIED), m -> m.outcome(Outcome.FAILURE)));
        assertEquals("  2. [outcome=FAILURE] -> missing: no event after #2 matches, nor does any before",
                second.getMessage().lines().skip(3).findFirst().orElseThrow());
    }

    @Test
    void eventsInOrderNeedsAMatcher() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> assertThat(STORY).eventsInOrder(new EventMatcher[0]));
        assertEquals("eventsInOrder needs at least one matcher", e.getMessage());
    }

    @Test
    void containsNoMatchPassesWhenThePatternIsNowhere() {
        assertThat(STORY).containsNoMatch(Pattern.compile("DROP\\s+TABLE"))
                .containsNoMatch(Pattern.compile("password", Pattern.CASE_INSENSITIVE));
    }

    @Test
    void containsNoMatchNamesTheFieldAndShowsOnlyTheStartOfTheMatch() {
        List<AuditEvent> events = List.of(event(7).agent("deploy-agent").channel(Channel.HTTP)
                .action("POST https://api.example.test/charge").extension("auth", "Bearer sk_live_abcdef123456").build());
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> assertThat(events).containsNoMatch(Pattern.compile("sk_live_\\w+")));
        assertEquals("""
                Expected no match for /sk_live_\\w+/ in the given events, but found 1:
                  #7 (0123abcdefab-7) extensions["auth"]: "sk_l…" (20 characters at index 7)
                Events (1, oldest first):
                  #7 INTENT   agent=deploy-agent channel=HTTP decision=- rule=- action="POST https://api.example.test/charge\"""",
                e.getMessage());
    }

    @Test
    void filteredOnNarrowsLaterAssertionsAndSaysSoInMessages() {
        JournalAssert payments = assertThat(STORY).filteredOn(e -> e.agent("payments-agent"));
        payments.hasExactly(3).eventsMatching(EventMatcher.anyEvent());
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> payments.hasEventMatching(m -> m.phase(Phase.SYSTEM)));
        assertEquals("in the given events (only events matching [agent=\"payments-agent\"]), but none of 3 events matches.",
                e.getMessage().lines().skip(1).findFirst().orElseThrow());
    }

    @Test
    void eventsReturnsTheEventsForOtherChecks() {
        assertEquals(STORY, assertThat(STORY).events());
    }

    @Test
    void isIntactNeedsAJournalNotAList() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> assertThat(STORY).isIntact());
        assertEquals("isIntact() verifies a journal directory, but these events were given as a list;"
                + " use assertThat(journal) or assertThat(journalDirectory)", e.getMessage());
    }

    @Test
    void aMatcherLambdaThatReturnsNullIsReported() {
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> assertThat(STORY).hasEventMatching(m -> null));
        assertEquals("the matcher lambda returned null; return the matcher it was given, refined (e -> e.agent(\"…\"))",
                e.getMessage());
    }
}

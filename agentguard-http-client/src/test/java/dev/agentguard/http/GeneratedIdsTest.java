package dev.agentguard.http;

import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.masking.Masker;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ids the guard makes up itself (the traceparent of an exchange whose agent gave none, the
 * client's session id) are valid, random, and never read as a card number or an IBAN: the journal
 * would mask such an id, and an intent and its outcome would no longer share it.
 */
class GeneratedIdsTest {

    private static final Pattern TRACEPARENT = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
    /** Ten digits in a row, dashes between them allowed: short of any card number (12 to 19 digits). */
    private static final Pattern DIGIT_RUN = Pattern.compile("\\d(?:-?\\d){9}");

    @TempJournal
    Journal journal;

    @Test
    void traceparentsAreValidDistinctAndNeverHoldALongDigitRun() {
        Masker masker = TestPolicies.paymentsApi().masking().masker();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            String t = Exchange.newTraceParent();
            assertTrue(TRACEPARENT.matcher(t).matches(), t);
            assertFalse(DIGIT_RUN.matcher(t).find(), t);
            assertFalse(t.substring(3, 35).chars().allMatch(c -> c == '0'), "an all-zero trace id is invalid: " + t);
            assertFalse(t.substring(36, 52).chars().allMatch(c -> c == '0'), "an all-zero span id is invalid: " + t);
            if (i < 20_000) {
                assertEquals(t, masker.maskText(t, null), "the masker leaves a generated traceparent alone");
            }
            seen.add(t);
        }
        assertEquals(200_000, seen.size(), "every exchange gets a trace of its own");
    }

    @Test
    void hexWithLettersPutsLettersThirdAndEleventhAndKeepsTheRest() {
        char[] c = new char[16];
        Exchange.hexWithLetters(0x0123456789abcdefL, c, 0);
        assertEquals("01c3456789ebcdef", new String(c), "digits 2 and 10 become letters, the rest is the value");
        Exchange.hexWithLetters(0L, c, 0);
        assertEquals("00a0000000a00000", new String(c));
        Exchange.hexWithLetters(-1L, c, 0);
        assertEquals("ffdfffffffdfffff", new String(c));
    }

    @Test
    void sessionIdsNeverReadAsACardNumber() {
        Masker masker = TestPolicies.paymentsApi().masking().masker();
        for (int i = 0; i < 500; i++) {
            String id;
            try (GuardedHttpClient http = Agents.client(journal).build()) {
                id = http.sessionId();
            }
            assertTrue(id.matches("http-[0-9a-f]{16}"), id);
            assertFalse(DIGIT_RUN.matcher(id).find(), id);
            assertEquals(id, masker.maskText(id, null));
        }
    }
}

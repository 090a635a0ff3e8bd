package dev.agentguard.core.masking;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The masker's cheap pre-scan skips a detector only when it cannot match: every shape below is at
 * the edge of what a pre-scan rule lets through, and must still be masked.
 */
class MaskerPreScanTest {
    private static final Masker MASKER = MaskingRules.defaults().masker();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // a card number starting at a later group of a long run of groups
            "1111 4111 1111 1111 1111 | 1111 4111 11** **** 1111",
            // digits of another script
            "x ６０１１１１１１１１１１１１１７ | x ６０１１１１******１１１７",
            // track data after %B, before ^, =, D
            "%B4111111111111111 | [REDACTED:TRACK]",
            "4111111111111111=25121010000000000 | [REDACTED:TRACK]",
            "4111111111111111D25121010000000000F | [REDACTED:TRACK]",
            ";4111111111111112=2512101? | [REDACTED:TRACK]",
            // SSNs need three groups
            "ssn 123-45-6789 | ssn [REDACTED:SSN]",
            "ssn 123 45 6789 | ssn [REDACTED:SSN]",
            // every verification-code context word, in any case, and İ whose lower case is i
            "cvv 123 | cvv [REDACTED:CVV]",
            "CID 1234 | CID [REDACTED:CVV]",
            "cİd: 123 | cİd: [REDACTED:CVV]",
            "csc 123 | csc [REDACTED:CVV]",
            "Security Code 1234 | Security Code [REDACTED:CVV]",
            "card verification: 123 | card verification: [REDACTED:CVV]",
            "Verification Value 123 | Verification Value [REDACTED:CVV]",
            "card code 999 | card code [REDACTED:CVV]",
            // a context word ending in a digit is a word, not the first group of a number
            "cvv2 123 | cvv2 [REDACTED:CVV]",
            "cav2 123 | cav2 [REDACTED:CVV]",
            "CVC2 4567 | CVC2 [REDACTED:CVV]",
            // and what stays: timestamps, a grouped phone number after a context word
            "ts 1700000000004, 1700000000011 | ts 1700000000004, 1700000000011",
            "cvv 123-4567 | cvv 123-4567",
            "cvv 12 123 | cvv 12 123",
            // runs of ASCII digits, which the pre-scan reads a run at once: an IBAN's start two letters
            // before its second digit, a code's reach over a run, card numbers after and inside long runs
            "IBAN DE89370400440532013000 ok | IBAN [REDACTED:IBAN] ok",
            "iban:DE89370400440532013000 | iban:[REDACTED:IBAN]",
            "12DE89370400440532013000 | 12DE89370400440532013000",
            "cvv 1234 | cvv [REDACTED:CVV]",
            "cvv 1234567890123 | cvv 1234567890123",
            "id 12345678901234567890123 cvv 123 | id 12345678901234567890123 cvv [REDACTED:CVV]",
            "CVC 99999 and 123 | CVC 99999 and 123",
            "ts 1764000000123 card 4111111111111111 | ts 1764000000123 card 411111******1111",
            "4111111111111111-4111111111111111 | 411111******1111-411111******1111",
            "%B4111111111111111^ | [REDACTED:TRACK]",
    })
    void masksEveryShapeThePreScanLetsThrough(String text, String masked) {
        assertEquals(masked, MASKER.maskText(text, null));
    }

    @Test
    void preScansATextLongerThanItsReusedBufferToo() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 40_000; i++) {
            text.append("order ").append(1_764_000_000_000L + i).append(" shipped; ");
        }
        String masked = MASKER.maskText(text + "card 4111111111111111", null);
        assertEquals(text + "card 411111******1111", masked);
        assertEquals("cvv [REDACTED:CVV]", MASKER.maskText("cvv 123", null), "a short text after a long one");
    }
}

package dev.agentguard.junit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PanFinderTest {

    /** Published test numbers of Visa (16 and 13 digits), Mastercard (5- and 2-series), Amex, Discover and JCB. */
    @ParameterizedTest
    @ValueSource(strings = {
            "4111111111111111", "4012888888881881", "4222222222222",
            "5555555555554444", "5105105105105100", "2223003122003222", "2221000000000009",
            "378282246310005", "371449635398431",
            "6011111111111117", "6011000990139424", "3530111333300000"})
    void findsTestCardNumbersPlainSpacedAndDashed(String pan) {
        for (String written : List.of(pan, grouped(pan, ' '), grouped(pan, '-'))) {
            String text = "card " + written + " on file";
            List<PanFinder.Pan> found = PanFinder.find(text);
            assertEquals(1, found.size(), text);
            assertEquals(pan, found.get(0).digits());
            assertEquals(5, found.get(0).start());
            assertEquals(5 + written.length(), found.get(0).end());
        }
    }

    @Test
    void findsAmexWrittenInItsOwnFourSixFiveGroups() {
        assertEquals("378282246310005", PanFinder.find("amex 3782 822463 10005").get(0).digits());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "4111111111111112",              // Luhn-invalid Visa
            "5555 5555 5555 4440",           // Luhn-invalid Mastercard, spaced
            "2026-11-25T22:14:03.123456789Z",
            "20261125221403121",             // compact timestamp; passes Luhn, but 2026 is no card prefix
            "1764108843129",                 // epoch millis; passes Luhn, but starts with 1
            "1764108843123456786",           // epoch nanos; passes Luhn, but starts with 1
            "411111111111",                  // 12 digits: too short
            "41111111111111111115",          // 20 digits: too long (and a card number is never part of a longer run)
            "4111  1111 1111 1111",          // a double space ends a group run
            "order 12, amount 4711, ref 99"})
    void ignoresWhatIsNotACardNumber(String text) {
        assertEquals(List.of(), PanFinder.find(text));
    }

    @Test
    void findsACardAfterUnrelatedDigitsAndTwoCardsInOneText() {
        List<PanFinder.Pan> found = PanFinder.find("qty 12 4111 1111 1111 1111, then 5555-5555-5555-4444.");
        assertEquals(List.of("4111111111111111", "5555555555554444"), found.stream().map(PanFinder.Pan::digits).toList());
    }

    @Test
    void masksAllButTheFirstSixAndLastFourDigits() {
        assertEquals("411111******1111", PanFinder.find("4111111111111111").get(0).masked());
        assertEquals("378282*****0005", PanFinder.find("378282246310005").get(0).masked());
        assertEquals("422222***2222", PanFinder.find("4222222222222").get(0).masked());
    }

    @Test
    void maskAllKeepsTheTextAroundTheNumbers() {
        assertEquals("pay 411111******1111 and 555555******4444 now",
                PanFinder.maskAll("pay 4111-1111-1111-1111 and 5555 5555 5555 4444 now"));
        String clean = "nothing here 2026-11-25";
        assertEquals(clean, PanFinder.maskAll(clean));
    }

    private static String grouped(String digits, char separator) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < digits.length(); i++) {
            if (i > 0 && i % 4 == 0) {
                s.append(separator);
            }
            s.append(digits.charAt(i));
        }
        return s.toString();
    }
}

package dev.agentguard.core.masking;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PanDetectorTest {
    private final PanDetector detector = new PanDetector();

    /** Test card numbers published by the brands and processors, plus computed Luhn-valid edge cases. */
    @ParameterizedTest
    @ValueSource(strings = {
            "4111111111111111", "4012888888881881", "4222222222222", "4111111111111111003", // Visa 16, 16, 13, 19
            "5555555555554444", "5105105105105100", // Mastercard 51-55
            "2221000000000009", "2720990000000007", // Mastercard 2-series, both ends of the range
            "378282246310005", "371449635398431", // Amex
            "6011111111111117", "6011000990139424", "6011000000000000001", // Discover 16, 19
            "6221260000000000", // Discover (China UnionPay co-brand range 622126-622925)
            "30569309025904", "38520000023237", "36000000000008", // Diners 14
            "3530111333300000", "3566002020360505", "3528000000000000007", // JCB 16, 19
            "6200000000000005", "6212345678901234569", // UnionPay 16, 19
            "675900000000", "630400000000", // Maestro 12
            "2200000000000004", // Mir
    })
    void findsTestPansOfTheMajorBrandsPlainSpacedAndDashed(String pan) {
        assertEquals(List.of(pan), Found.in(detector, "card " + pan + " used"));
        String spaced = Found.grouped(pan, " ");
        assertEquals(List.of(spaced), Found.in(detector, "card " + spaced + " used"));
        String dashed = Found.grouped(pan, "-");
        assertEquals(List.of(dashed), Found.in(detector, "card " + dashed + " used"));
    }

    @Test
    void findsAmexInItsOwnFourSixFiveGrouping() {
        assertEquals(List.of("3782 822463 10005"), Found.in(detector, "amex 3782 822463 10005."));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "1700000000004", // Luhn-valid 13-digit epoch millis: no brand starts with 1
            "1700000001", // Luhn-valid 10-digit epoch seconds: too short
            "9000000000000001", "7000000000000005", "1000000000000008", "8000000000000003", // Luhn-valid, no brand
            "2220000000000000", "2721000000000004", // just outside Mastercard's 2221-2720
            "41111111111111105", // Visa prefix but 17 digits: Visa issues 13, 16, 19
            "3782000000000008", // Amex prefix but 16 digits
            "555500000000008", // Mastercard prefix but 15 digits
            "510000000008", // 12 digits of a brand that is not Maestro
            "41111111111111110000", // 20 digits: one number longer than any PAN
            "4111111111111112", // Luhn fails
            "411111111111", // 12 digits, Luhn fails anyway
    })
    void leavesNumbersThatAreNotCardNumbersAlone(String number) {
        assertEquals(List.of(), Found.in(detector, "id " + number + " ok"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"x4111111111111111", "4111111111111111y", "04111111111111111", "94111111111111111",
            "ID4111111111111111", "a4111-1111-1111-1111", "4111 1111 1111 1111b"})
    void ignoresPansGluedToLettersOrDigits(String text) {
        assertEquals(List.of(), Found.in(detector, "ref " + text + " end"));
    }

    @Test
    void findsThePanInsideALongerRunOfGroups() {
        assertEquals(List.of("4111 1111 1111 1111"), Found.in(detector, "4111 1111 1111 1111 2024"));
        assertEquals(List.of("4111111111111111"), Found.in(detector, "1700000000004 4111111111111111"));
        assertEquals(List.of("4111111111111111"), Found.in(detector, "12 34 4111111111111111"));
    }

    @Test
    void findsSeveralPansAndPansNextToPunctuation() {
        assertEquals(List.of("4111111111111111", "5555555555554444", "378282246310005"),
                Found.in(detector, "a=4111111111111111,b=5555555555554444;(378282246310005)"));
    }

    @Test
    void findsAPanWithMixedSeparators() {
        assertEquals(List.of("4111-1111 1111-1111"), Found.in(detector, "pan 4111-1111 1111-1111"));
    }

    @Test
    void findsAPanWithUnicodeSpacesAndDashes() {
        String nbsp = Found.grouped("4111111111111111", "\u00A0");
        String enDash = Found.grouped("4111111111111111", "\u2013");
        String fullWidthHyphen = Found.grouped("4111111111111111", "\uFF0D");
        assertEquals(List.of(nbsp, enDash, fullWidthHyphen),
                Found.in(detector, nbsp + " / " + enDash + " / " + fullWidthHyphen));
    }

    /** Invisible characters between digits hide nothing from a reader, so they hide nothing here either. */
    @Test
    void findsAPanInterleavedWithInvisibleCharacters() {
        String zeroWidth = "4111\u200B1111\u200B1111\u200B1111";
        String softHyphens = "4\u00AD111111111111111";
        String joinerAndSpace = "4111\u200D 1111 \u2060\u2060 1111 1111".replace(" \u2060\u2060 ", " \u2060");
        String bom = "4111\uFEFF-1111-1111-1111";
        for (String pan : List.of(zeroWidth, softHyphens, joinerAndSpace, bom)) {
            assertEquals(List.of(pan), Found.in(detector, "card " + pan + " used"));
        }
    }

    @Test
    void doesNotJoinGroupsAcrossALongGap() {
        assertEquals(List.of(), Found.in(detector, "4111 \u200B\u200B\u200B\u200B1111 1111 1111"));
    }

    /** Documented limit: a newline or tab never joins digit groups, so a PAN split over lines is not found. */
    @Test
    void doesNotJoinDigitGroupsAcrossANewline() {
        assertEquals(List.of(), Found.in(detector, "4111 1111\n1111 1111"));
        assertEquals(List.of(), Found.in(detector, "41111111\t11111111"));
    }

    @Test
    void doesNotJoinGroupsSeparatedByTwoSeparators() {
        assertEquals(List.of(), Found.in(detector, "4111 1111 1111 1111".replace(" ", "--")));
    }

    /** A PAN in another script's digits is still a PAN: the text shows the same number. */
    @Test
    void findsPansWrittenInFullWidthArabicIndicDevanagariAndMathematicalDigits() {
        for (int zero : new int[] {0xFF10, 0x0660, 0x06F0, 0x0966, 0x1D7CE}) {
            String pan = Found.inScript("4111 1111 1111 1111", zero);
            assertEquals(List.of(pan), Found.in(detector, "card " + pan + " used"), "zero U+" + Integer.toHexString(zero));
        }
    }

    @Test
    void findsAPanMixingAsciiAndFullWidthDigits() {
        String pan = "4111" + Found.inScript("11111111", 0xFF10) + "1111";
        assertEquals(List.of(pan), Found.in(detector, pan));
    }

    @Test
    void ignoresAFullWidthPanGluedToALetter() {
        assertEquals(List.of(), Found.in(detector, "x" + Found.inScript("4111111111111111", 0xFF10)));
    }

    @Test
    void isPanAcceptsExactlyOneWholeCardNumber() {
        assertTrue(PanDetector.isPan("4111111111111111"));
        assertTrue(PanDetector.isPan(" 4111-1111-1111-1111 "));
        assertTrue(PanDetector.isPan("3782 822463 10005"));
        assertTrue(PanDetector.isPan(Found.inScript("4111111111111111", 0xFF10)));
        assertFalse(PanDetector.isPan("4111111111111112"), "Luhn fails");
        assertFalse(PanDetector.isPan("1700000000004"), "no brand");
        assertFalse(PanDetector.isPan("4111111111111111 2024"), "more than a PAN");
        assertFalse(PanDetector.isPan("pan 4111111111111111"));
        assertFalse(PanDetector.isPan(""));
        assertFalse(PanDetector.isPan("-4111111111111111"));
    }

    @Test
    void hasThePolicyName() {
        assertEquals("pan", detector.name());
    }
}

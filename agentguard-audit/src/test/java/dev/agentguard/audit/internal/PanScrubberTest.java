package dev.agentguard.audit.internal;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class PanScrubberTest {
    private final PanScrubber scrubber = new PanScrubber();

    @ParameterizedTest
    @ValueSource(strings = {
            "4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", // Visa
            "4222222222222", // Visa 13
            "5555555555554444", "5105 1051 0510 5100", // Mastercard
            "2223003122003222", "2223 0000 4841 0010", "2720990000000007", // Mastercard 2-series, both ends
            "378282246310005", "3714 496353 98431", // Amex
            "6011111111111117", "6011 0009 9013 9424", // Discover
            "3530111333300000", // JCB
            "6212345678901265", // UnionPay
            "6011000000000000001"}) // 19 digits
    void masksTestCardNumbersOfTheMajorBrands(String pan) {
        assertEquals("card [REDACTED:PAN] used", scrubber.scrub("card " + pan + " used"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "4111111111111112", // Luhn fails
            "1764108048123456789", // nanosecond timestamp (starts with 1)
            "1732553703000", // millisecond timestamp
            "9999999999999995", // not a card prefix
            "411111111111", // 12 digits
            "41111111111111111111111", // 23 digits, one run
            "order 2026-11-25 12:00",
            "2026112512000000", // Luhn-valid, starts with 2 but outside Mastercard's 2221-2720
            "202611251200002"})
    void leavesNumbersThatAreNotCardsAlone(String text) {
        String input = "value " + text + " end";
        assertSame(input, scrubber.scrub(input), "unchanged text is returned as the same instance");
    }

    @Test
    void masksSeveralCardsAndCardsGluedToText() {
        assertEquals("a=[REDACTED:PAN],b=[REDACTED:PAN];x[REDACTED:PAN]y",
                scrubber.scrub("a=4111111111111111,b=5555555555554444;x378282246310005y"));
    }

    @Test
    void findsACardInsideALongerGroupedNumber() {
        assertEquals("[REDACTED:PAN] 2024", scrubber.scrub("4111 1111 1111 1111 2024"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // A random approval id whose last two UUID groups read as a Luhn-valid Visa number.
            "apr-c9fb07a0-c416-4a90-98a4-356290077199",
            "C9FB07A0-C416-4A90-98A4-356290077199",
            // A SHA-256 action hash holding a Luhn-valid 16-digit run.
            "c8bd4111111111111111e89f723e54f17e782c26370f9726e77fac7a7612cc90",
            // A W3C traceparent whose trace id holds one.
            "00-ab4111111111111111cdef0123456789-00f067aa0ba902b7-01"})
    void leavesDigitsInsideUuidsAndDigestsAlone(String identifier) {
        String input = "ref " + identifier + " end";
        assertSame(input, scrubber.scrub(input));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "4111111111111111 apr-c9fb07a0-c416-4a90-98a4-356290077199",
            "4111-1111-1111-1111-c8bd4e89f723e54f17e782c26370f9726e77fac7a7",
            "deadbeef4111111111111111",
            "4111-1111-1111-1111-2222-3333-444444444444"})
    void aCardBesideOrGluedToAShortHexWordIsStillMasked(String text) {
        String scrubbed = scrubber.scrub(text);
        assertEquals(false, scrubbed.contains("4111111111111111") || scrubbed.contains("4111-1111-1111-1111"),
                scrubbed);
        assertEquals(true, scrubbed.contains(PanScrubber.REPLACEMENT), scrubbed);
    }

    @Test
    void handlesNullAndEmpty() {
        assertEquals(null, scrubber.scrub(null));
        assertEquals("", scrubber.scrub(""));
    }

    @Test
    void takesALongForACardNumberOnlyWhenItsDigitsAre() {
        assertEquals(true, PanScrubber.looksLikePan(4111111111111111L));
        assertEquals(false, PanScrubber.looksLikePan(4111111111111112L), "Luhn fails");
        assertEquals(false, PanScrubber.looksLikePan(1732553703000L), "a timestamp");
        assertEquals(false, PanScrubber.looksLikePan(42L));
        assertEquals(false, PanScrubber.looksLikePan(-4111111111111111L));
    }
}

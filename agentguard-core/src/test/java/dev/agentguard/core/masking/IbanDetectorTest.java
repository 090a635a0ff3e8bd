package dev.agentguard.core.masking;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class IbanDetectorTest {
    private final IbanDetector detector = new IbanDetector();

    @ParameterizedTest
    @ValueSource(strings = {"DE89370400440532013000", "DE89 3704 0044 0532 0130 00", "GB82 WEST 1234 5698 7654 32",
            "GB82WEST12345698765432", "FR14 2004 1010 0505 0001 3M02 606", "NO93 8601 1117 947",
            "CH93 0076 2011 6238 5295 7", "de89 3704 0044 0532 0130 00"})
    void findsValidIbansCompactOrGrouped(String iban) {
        assertEquals(List.of(iban), Found.in(detector, "iban: " + iban + ", thanks"));
    }

    @Test
    void stopsAtTheRegisteredLengthBeforeAFollowingWord() {
        assertEquals(List.of("DE89 3704 0044 0532 0130 00"), Found.in(detector, "DE89 3704 0044 0532 0130 00 EUR 100"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"DE88 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 01", "GB83WEST12345698765432",
            "XDE89370400440532013000", "DE89370400440532013000X", "DE89  3704 0044 0532 0130 00", "AB12 3456"})
    void leavesWrongCheckDigitsAndGluedTextAlone(String text) {
        assertEquals(List.of(), Found.in(detector, text));
    }
}

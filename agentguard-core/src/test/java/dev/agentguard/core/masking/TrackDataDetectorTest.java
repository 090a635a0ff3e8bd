package dev.agentguard.core.masking;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TrackDataDetectorTest {
    private final TrackDataDetector detector = new TrackDataDetector();

    @ParameterizedTest
    @ValueSource(strings = {
            "%B4111111111111111^DOE/JOHN^25121010000000000000?", // track 1 with sentinels
            "%B4111111111111111^DOE/JOHN^25121010000000000000", // no end sentinel
            "B4111111111111111^DOE/JOHN ^2512101000000000000", // no start sentinel
            "4111111111111111^DOE/JOHN^2512101000000", // no format code
            "%B5555555555554444^^2512101?", // empty name
            ";4111111111111111=25121010000000000000?", // track 2 with sentinels
            "4111111111111111=2512101000000000", // track 2 without sentinels
            ";6011000000000000001=2512?", // 19-digit PAN, no discretionary data
            "4111111111111111D25121010000000000F", // EMV tag 57, padded
            "4111111111111111D2512101000000000", // EMV tag 57, unpadded
    })
    void findsWholeTracksWithOrWithoutSentinels(String track) {
        assertEquals(List.of(track), Found.in(detector, "swipe " + track + " done"));
    }

    @Test
    void findsACutOffTrackOneWithItsFormatCode() {
        assertEquals(List.of("%B4111111111111111^DOE/JOHN"), Found.in(detector, "%B4111111111111111^DOE/JOHN"));
        assertEquals(List.of("%B4111111111111111"), Found.in(detector, "%B4111111111111111"));
        assertEquals(List.of("%B4111111111111111"), Found.in(detector, "read %B4111111111111111 then"));
        assertEquals(List.of(), Found.in(detector, "read %B4111111111111112 then"), "Luhn fails, no structure");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "id=12345678901234=2024", // track-2 shape, no sentinel, Luhn fails
            "4111111111111111=12", // no expiry
            "4111111111111111^DOE", // no format code and no structure
            "x4111111111111111=25121010000", // glued
            "4111111111111111D2512101000000000X", // glued at the end
            "a=b", "4111111111111111",
    })
    void leavesLookAlikesAlone(String text) {
        assertEquals(List.of(), Found.in(detector, text));
    }

    @Test
    void findsATrackTwoWithSentinelEvenWhenTheLuhnCheckFails() {
        assertEquals(List.of(";4111111111111112=2512101?"), Found.in(detector, ";4111111111111112=2512101?"));
    }
}

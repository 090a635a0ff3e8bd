package dev.agentguard.core.masking;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SsnDetectorTest {
    private final SsnDetector detector = new SsnDetector();

    @ParameterizedTest
    @ValueSource(strings = {"123-45-6789", "123 45 6789", "001-01-0001", "665-99-9999", "899-12-3456"})
    void findsIssuableNumbers(String ssn) {
        assertEquals(List.of(ssn), Found.in(detector, "ssn: " + ssn + "."));
    }

    @ParameterizedTest
    @ValueSource(strings = {"000-12-3456", "666-12-3456", "900-12-3456", "999-12-3456", "123-00-4567", "123-45-0000"})
    void leavesNumbersTheSsaNeverIssuesAlone(String ssn) {
        assertEquals(List.of(), Found.in(detector, "ssn: " + ssn));
    }

    @ParameterizedTest
    @ValueSource(strings = {"123456789", "123-45 6789", "123-456-789", "1234-56-7890", "x123-45-6789", "123-45-6789x",
            "1-123-45-6789", "123-45-6789-1", "0123-45-6789"})
    void leavesOtherShapesAlone(String text) {
        assertEquals(List.of(), Found.in(detector, text));
    }

    @Test
    void findsAnSsnInFullWidthDigits() {
        String ssn = Found.inScript("123-45-6789", 0xFF10);
        assertEquals(List.of(ssn), Found.in(detector, ssn));
    }
}

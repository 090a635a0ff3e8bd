package dev.agentguard.core.masking;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EmailDetectorTest {
    private final EmailDetector detector = new EmailDetector();

    @ParameterizedTest
    @ValueSource(strings = {"john@example.com", "john.doe+tag@mail.example.co.uk", "j_d-1%x@sub-domain.example.org",
            "JOHN@EXAMPLE.COM", "jürgen@bücher.de", "a@b.io"})
    void findsAddresses(String address) {
        assertEquals(List.of(address), Found.in(detector, "to: " + address + ", please"));
    }

    @Test
    void findsEveryAddressAndStopsAtPunctuation() {
        assertEquals(List.of("a@x.com", "b@y.org"), Found.in(detector, "<a@x.com>;\"b@y.org\"."));
        assertEquals(List.of("john@example.com"), Found.in(detector, "mailto:john@example.com?subject=hi"));
    }

    @Test
    void dropsLeadingDotsAndTrailingDashes() {
        assertEquals(List.of("john@example.com"), Found.in(detector, "..john@example.com-"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"@example.com", "john@", "john@localhost", "john@example.c", "a@1.2", "user@-x.com",
            "x @ y.com", "price@10.00"})
    void leavesNonAddressesAlone(String text) {
        assertEquals(List.of(), Found.in(detector, text));
    }
}

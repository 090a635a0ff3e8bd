package dev.agentguard.http.body;

import java.util.List;

/** Test card numbers of the major brands (published test PANs), and Luhn-valid numbers that are not cards. */
final class TestCards {
    private TestCards() {
    }

    /** One or two per brand: Visa (16 and 13 digits), Mastercard (5- and 2-series), Amex, Discover, JCB, Diners, UnionPay, Maestro, Mir. */
    static final List<String> PANS = List.of(
            "4111111111111111", "4012888888881881", "4222222222222",
            "5555555555554444", "5105105105105100", "2223003122003222",
            "378282246310005", "371449635398431",
            "6011111111111117", "6011000990139424",
            "3530111333300000", "3566002020360505",
            "30569309025904", "38520000023237",
            "6200000000000005",
            "6759649826438453",
            "2200000000000004");

    /** Luhn-valid, but no brand issues them: an epoch-millisecond timestamp, order ids. */
    static final List<String> NOT_CARDS = List.of("1700000000004", "9000000000000001", "1234567890123452");

    /** How the default rules show a card number: first 6 and last 4 digits. */
    static String partial(String pan) {
        StringBuilder b = new StringBuilder(pan.length());
        for (int i = 0; i < pan.length(); i++) {
            b.append(i < 6 || i >= pan.length() - 4 ? pan.charAt(i) : '*');
        }
        return b.toString();
    }
}

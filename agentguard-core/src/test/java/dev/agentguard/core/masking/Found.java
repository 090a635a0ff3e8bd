package dev.agentguard.core.masking;

import java.util.ArrayList;
import java.util.List;

/** What a detector finds in a text, as the substrings it reported. */
final class Found {
    private Found() {
    }

    static List<String> in(Detector detector, String text) {
        List<String> hits = new ArrayList<>();
        detector.find(text, (start, end) -> hits.add(text.substring(start, end)));
        return hits;
    }

    /** Digits grouped by four with {@code separator}, the way cards are printed. */
    static String grouped(String digits, String separator) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < digits.length(); i++) {
            if (i > 0 && i % 4 == 0) {
                out.append(separator);
            }
            out.append(digits.charAt(i));
        }
        return out.toString();
    }

    /** The same digits in another script, starting at that script's zero. */
    static String inScript(String asciiDigits, int zeroCodePoint) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < asciiDigits.length(); i++) {
            char c = asciiDigits.charAt(i);
            if (c >= '0' && c <= '9') {
                out.appendCodePoint(zeroCodePoint + c - '0');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}

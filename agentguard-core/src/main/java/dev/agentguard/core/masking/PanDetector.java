package dev.agentguard.core.masking;

import java.util.Objects;

/**
 * Finds primary account numbers (card numbers): 12 to 19 digits, written together or in
 * groups joined by single spaces or dashes (mixed separators too), that pass the Luhn check
 * AND start with a prefix a card brand issues at that length (Visa, Mastercard including the
 * 2-series, Amex, Discover, JCB, Diners, UnionPay, Maestro, Mir, RuPay, Troy, Verve, ...).
 *
 * <p>What is deliberately not a PAN:
 * <ul>
 *   <li>digits glued to a letter or to more digits ({@code 20} digits in a row, {@code ID4111...}):
 *       a PAN inside a longer token is some other identifier;</li>
 *   <li>a Luhn-valid number no brand issues, such as a 13-digit epoch-millisecond timestamp;</li>
 *   <li>a number split over two lines: a newline or tab never joins digit groups, so masking a
 *       PAN that spans lines is the job of whoever split it.</li>
 * </ul>
 * A run of groups longer than 19 digits is searched for whole-group spans that are PANs, so
 * {@code 4111 1111 1111 1111 2024} masks the card and leaves the year. Digits of every script
 * count (full-width, Arabic-Indic, ...): the text is read as the digits it shows.
 */
public final class PanDetector implements Detector {
    /** This detector's name in policies. */
    public static final String NAME = "pan";

    /** Maestro issues 12-digit PANs; every other brand starts at 13. */
    static final int MIN_DIGITS = 12;
    static final int MAX_DIGITS = 19;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void find(CharSequence text, HitSink sink) {
        find(text, 0, text.length(), sink);
    }

    /**
     * {@link #find(CharSequence, HitSink)} for the runs of digit groups that start in
     * {@code [from, to)}, {@code from} being outside any such run or at its first digit: the
     * masker's pre-scan passes only the runs that may hold a card number. Returns where the scan
     * stopped, at or after {@code to}.
     */
    int find(CharSequence text, int from, int to, HitSink sink) {
        int i = from;
        while (i < to) {
            if (Digits.valueAt(text, i) < 0) {
                i++;
                continue;
            }
            // A run of digit groups; try the spans starting at each group, longest first.
            boolean gluedBefore = Digits.isWordBefore(text, i);
            int group = i;
            while (true) {
                int end = group == i && gluedBefore ? -1 : panEndFrom(text, group);
                if (end > 0) {
                    sink.hit(group, end);
                } else {
                    end = Digits.runEnd(text, group);
                }
                int next = Digits.nextGroup(text, end);
                if (next < 0) {
                    i = end;
                    break;
                }
                group = next;
            }
        }
        return i;
    }

    /**
     * The end of the longest PAN starting at {@code from} (the start of a digit group) and ending
     * at the end of a group, or -1.
     */
    static int panEndFrom(CharSequence text, int from) {
        int n = text.length();
        int count = 0;
        int firstSix = 0;
        // Luhn doubles every second digit from the right; which ones depends on the final length,
        // so keep both sums and pick at each group end.
        int sumDoublingEven = 0;
        int sumDoublingOdd = 0;
        int best = -1;
        int i = from;
        while (true) {
            while (i < n) {
                int d = Digits.valueAt(text, i);
                if (d < 0) {
                    break;
                }
                if (count == MAX_DIGITS) {
                    return best; // more digits than any PAN without a separator: glued
                }
                if (count < 6) {
                    firstSix = firstSix * 10 + d;
                }
                int doubled = d < 5 ? d * 2 : d * 2 - 9;
                if ((count & 1) == 0) {
                    sumDoublingEven += doubled;
                    sumDoublingOdd += d;
                } else {
                    sumDoublingEven += d;
                    sumDoublingOdd += doubled;
                }
                count++;
                i += Digits.widthAt(text, i);
            }
            if (count >= MIN_DIGITS && !Digits.isWordAt(text, i)) {
                int sum = (count & 1) == 0 ? sumDoublingEven : sumDoublingOdd;
                if (sum % 10 == 0 && CardBrand.of(firstSix, count) != null) {
                    best = i;
                }
            }
            int next = Digits.nextGroup(text, i);
            if (next < 0) {
                return best;
            }
            i = next;
        }
    }

    /**
     * Whether the whole of {@code value} (surrounding whitespace aside) is one card number:
     * digits with optional single spaces or dashes, Luhn-valid, of a brand's prefix and length.
     */
    public static boolean isPan(CharSequence value) {
        Objects.requireNonNull(value, "value");
        int from = 0;
        int to = value.length();
        while (from < to && Character.isWhitespace(value.charAt(from))) {
            from++;
        }
        while (to > from && Character.isWhitespace(value.charAt(to - 1))) {
            to--;
        }
        if (from == to || Digits.valueAt(value, from) < 0) {
            return false;
        }
        CharSequence trimmed = value.subSequence(from, to);
        return panEndFrom(trimmed, 0) == trimmed.length();
    }

    /** PARTIAL: the first {@code keepFirst} and last {@code keepLast} digits, separators kept, the rest {@code *}. */
    static void appendPartial(CharSequence text, int from, int to, int keepFirst, int keepLast, StringBuilder out) {
        Digits.appendMaskedDigits(text, from, to, keepFirst, keepLast, out);
    }
}

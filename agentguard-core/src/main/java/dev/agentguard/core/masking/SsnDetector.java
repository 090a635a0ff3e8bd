package dev.agentguard.core.masking;

/**
 * Finds US Social Security numbers written {@code AAA-GG-SSSS} (or with spaces,
 * {@code AAA GG SSSS}, the same separator twice), leaving out numbers the SSA never issues:
 * area {@code 000}, {@code 666} or {@code 9xx}, group {@code 00}, serial {@code 0000}.
 *
 * <p>Nine digits without separators are not taken: too many other identifiers look like that.
 * A match glued to letters or digits, or continuing a longer grouped number
 * ({@code 1-123-45-6789}), is not an SSN either.
 */
public final class SsnDetector implements Detector {
    /** This detector's name in policies. */
    public static final String NAME = "ssn";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void find(CharSequence text, HitSink sink) {
        int n = text.length();
        int i = 0;
        while (i < n) {
            if (Digits.valueAt(text, i) < 0) {
                i++;
                continue;
            }
            int end = match(text, i);
            if (end > 0) {
                sink.hit(i, end);
                i = end;
            } else {
                i = Digits.runEnd(text, i);
            }
        }
    }

    /** End of an SSN starting at {@code start}, or -1. */
    private static int match(CharSequence text, int start) {
        if (Digits.isWordBefore(text, start)
                || (start >= 2 && Digits.isSeparator(text.charAt(start - 1)) && Digits.isDigitAt(text, start - 2))) {
            return -1;
        }
        long field = field(text, start, 3);
        if (field < 0) {
            return -1;
        }
        int area = (int) (field >>> 32);
        int i = (int) field;
        if (i >= text.length() || (text.charAt(i) != '-' && text.charAt(i) != ' ')) {
            return -1;
        }
        char sep = text.charAt(i);
        field = field(text, i + 1, 2);
        if (field < 0) {
            return -1;
        }
        int group = (int) (field >>> 32);
        i = (int) field;
        if (i >= text.length() || text.charAt(i) != sep) {
            return -1;
        }
        field = field(text, i + 1, 4);
        if (field < 0) {
            return -1;
        }
        int serial = (int) (field >>> 32);
        int end = (int) field;
        if (Digits.isWordAt(text, end) || Digits.nextGroup(text, end) >= 0) {
            return -1;
        }
        if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) {
            return -1;
        }
        return end;
    }

    /**
     * Reads exactly {@code count} digits at {@code i}: the value in the high 32 bits and the
     * index after them in the low 32, or -1 when there are fewer or more digits.
     */
    private static long field(CharSequence text, int i, int count) {
        int value = 0;
        for (int k = 0; k < count; k++) {
            if (i >= text.length()) {
                return -1;
            }
            int d = Digits.valueAt(text, i);
            if (d < 0) {
                return -1;
            }
            value = value * 10 + d;
            i += Digits.widthAt(text, i);
        }
        if (i < text.length() && Digits.valueAt(text, i) >= 0) {
            return -1;
        }
        return ((long) value << 32) | i;
    }

    /** PARTIAL: the last four digits, {@code ***-**-6789}. */
    static void appendPartial(CharSequence text, int from, int to, int keepLast, StringBuilder out) {
        Digits.appendMaskedDigits(text, from, to, 0, keepLast, out);
    }
}

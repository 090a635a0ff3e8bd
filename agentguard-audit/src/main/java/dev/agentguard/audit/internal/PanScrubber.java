package dev.agentguard.audit.internal;

/**
 * The journal's last line of defence against card numbers that slipped past redaction.
 *
 * <p>Replaces every run of 13 to 19 digits (optionally grouped by single spaces or dashes) that
 * passes the Luhn check and starts like a card number (2 to 6) with {@value #REPLACEMENT}.
 * It is deliberately simpler than the policy's PAN detector: it only has to make sure the
 * journal never holds a PAN, and a rare false positive here costs nothing but a masked number.
 *
 * <p>Returns the very same string when nothing was replaced, so the common path allocates
 * nothing.
 */
public final class PanScrubber {
    /** What a card number is replaced with. */
    public static final String REPLACEMENT = "[REDACTED:PAN]";

    private static final int MIN_DIGITS = 13;
    private static final int MAX_DIGITS = 19;

    /** Start and end (exclusive) of each digit group of the current run. */
    private final int[] groupStart = new int[64];
    private final int[] groupEnd = new int[64];

    /** The text with card-like numbers replaced, or {@code text} itself when there are none. */
    public String scrub(String text) {
        if (text == null) {
            return null;
        }
        int n = text.length();
        StringBuilder out = null;
        int copied = 0;
        int i = 0;
        while (i < n) {
            if (!isDigit(text.charAt(i))) {
                i++;
                continue;
            }
            // Collect a run: digit groups separated by single spaces or dashes.
            int groups = 0;
            int j = i;
            while (true) {
                int gs = j;
                while (j < n && isDigit(text.charAt(j))) {
                    j++;
                }
                if (groups < groupStart.length) {
                    groupStart[groups] = gs;
                    groupEnd[groups] = j;
                    groups++;
                }
                if (j + 1 < n && isSeparator(text.charAt(j)) && isDigit(text.charAt(j + 1))) {
                    j++;
                    continue;
                }
                break;
            }
            int runEnd = j;
            // Try every span of whole groups, longest first from each starting group.
            int g = 0;
            while (g < groups) {
                int matchedTo = -1;
                int digits = 0;
                for (int h = g; h < groups; h++) {
                    digits += groupEnd[h] - groupStart[h];
                    if (digits > MAX_DIGITS) {
                        break;
                    }
                    if (digits >= MIN_DIGITS && looksLikePan(text, groupStart[g], groupEnd[h])) {
                        matchedTo = h;
                    }
                }
                if (matchedTo >= 0) {
                    if (out == null) {
                        out = new StringBuilder(n);
                    }
                    out.append(text, copied, groupStart[g]).append(REPLACEMENT);
                    copied = groupEnd[matchedTo];
                    g = matchedTo + 1;
                } else {
                    g++;
                }
            }
            i = runEnd;
        }
        if (out == null) {
            return text;
        }
        return out.append(text, copied, n).toString();
    }

    private static boolean looksLikePan(String text, int from, int to) {
        char first = text.charAt(from);
        if (first < '2' || first > '6') {
            return false;
        }
        if (first == '2' && !isMastercardTwoSeries(text, from, to)) {
            return false; // of the 2-prefixes only Mastercard's 2221-2720 are cards; dates and ids start with 20
        }
        int sum = 0;
        boolean doubleIt = false;
        for (int k = to - 1; k >= from; k--) {
            char c = text.charAt(k);
            if (!isDigit(c)) {
                continue;
            }
            int d = c - '0';
            if (doubleIt) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }

    private static boolean isMastercardTwoSeries(String text, int from, int to) {
        int prefix = 0;
        int digits = 0;
        for (int k = from; k < to && digits < 4; k++) {
            char c = text.charAt(k);
            if (isDigit(c)) {
                prefix = prefix * 10 + (c - '0');
                digits++;
            }
        }
        return digits == 4 && prefix >= 2221 && prefix <= 2720;
    }

    /** Whether the decimal form of {@code value} would be taken for a card number. */
    public static boolean looksLikePan(long value) {
        if (value < 1_000_000_000_000L) {
            return false; // fewer than 13 digits
        }
        String digits = Long.toString(value);
        return looksLikePan(digits, 0, digits.length());
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isSeparator(char c) {
        return c == ' ' || c == '-';
    }
}

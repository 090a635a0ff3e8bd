package dev.agentguard.audit.internal;

/**
 * The journal's last line of defence against card numbers that slipped past redaction.
 *
 * <p>Replaces every run of 13 to 19 digits (optionally grouped by single spaces or dashes) that
 * passes the Luhn check and starts like a card number (2 to 6) with {@value #REPLACEMENT}.
 * It is deliberately simpler than the policy's PAN detector: it only has to make sure the
 * journal never holds a PAN, and a rare false positive here costs nothing but a masked number.
 *
 * <p>Digits inside a hexadecimal identifier are not card numbers: a UUID ({@code 8-4-4-4-12} hex
 * digits) or a hex word of at least 32 digits (a SHA-256 action hash, a W3C trace id). Without
 * this exception about one random UUID or digest in a few hundred holds a Luhn-valid digit run,
 * and masking it would break the very reference (an approval id, an action hash) an assessor
 * follows. A card number written on its own, or grouped by dashes next to such an identifier,
 * is still replaced.
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
                    if (digits >= MIN_DIGITS && looksLikePan(text, groupStart[g], groupEnd[h])
                            && !insideIdentifier(text, groupStart[g], groupEnd[h])) {
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

    /** Hex digits in a word of at least this many make a digest or trace id, not a card number. */
    private static final int DIGEST_HEX_DIGITS = 32;

    /**
     * Whether the span {@code [from, to)} overlaps a hex word of {@value #DIGEST_HEX_DIGITS} or more
     * digits, or lies within a UUID-shaped token.
     */
    static boolean insideIdentifier(String text, int from, int to) {
        return hexWordLength(text, from) >= DIGEST_HEX_DIGITS
                || hexWordLength(text, to - 1) >= DIGEST_HEX_DIGITS
                || insideUuid(text, from, to);
    }

    /** Length of the run of hex digits (no dashes) around {@code at}. */
    private static int hexWordLength(String text, int at) {
        int start = at;
        while (start > 0 && isHex(text.charAt(start - 1))) {
            start--;
        }
        int end = at;
        while (end < text.length() && isHex(text.charAt(end))) {
            end++;
        }
        return end - start;
    }

    private static boolean insideUuid(String text, int from, int to) {
        int start = from;
        while (start > 0 && (isHex(text.charAt(start - 1)) || text.charAt(start - 1) == '-')) {
            start--;
        }
        int end = to;
        while (end < text.length() && (isHex(text.charAt(end)) || text.charAt(end) == '-')) {
            end++;
        }
        // "apr-<uuid>": a dash that joins a prefix is not part of the UUID.
        while (start < end && text.charAt(start) == '-') {
            start++;
        }
        while (end > start && text.charAt(end - 1) == '-') {
            end--;
        }
        if (end - start != 36) {
            return false;
        }
        for (int k = 0; k < 36; k++) {
            char c = text.charAt(start + k);
            boolean dash = k == 8 || k == 13 || k == 18 || k == 23;
            if (dash ? c != '-' : !isHex(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
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

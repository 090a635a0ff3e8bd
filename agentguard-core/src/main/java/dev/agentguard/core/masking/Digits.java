package dev.agentguard.core.masking;

/**
 * Reading decimal digits and word boundaries in text, Unicode-aware: a card number written in
 * full-width or Arabic-Indic digits is still a card number, so every decimal digit counts
 * ({@link Character#digit(int, int)}), including supplementary-plane ones (two chars wide).
 */
final class Digits {
    /** The first non-ASCII decimal digit (U+0660, Arabic-Indic zero); below it only '0'-'9' are digits. */
    private static final char FIRST_NON_ASCII_DIGIT = '\u0660';

    private Digits() {
    }

    /** The value of the decimal digit starting at {@code i}, or -1. */
    static int valueAt(CharSequence s, int i) {
        char c = s.charAt(i);
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c < FIRST_NON_ASCII_DIGIT) {
            return -1;
        }
        if (Character.isHighSurrogate(c)) {
            if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                return Character.digit(Character.toCodePoint(c, s.charAt(i + 1)), 10);
            }
            return -1;
        }
        return Character.digit(c, 10);
    }

    /** Chars taken by the code point at {@code i}: 2 for a surrogate pair, else 1. */
    static int widthAt(CharSequence s, int i) {
        return Character.isHighSurrogate(s.charAt(i)) && i + 1 < s.length()
                && Character.isLowSurrogate(s.charAt(i + 1)) ? 2 : 1;
    }

    /** Whether any decimal digit (not only ASCII) starts at {@code i}. */
    static boolean isDigitAt(CharSequence s, int i) {
        return i < s.length() && valueAt(s, i) >= 0;
    }

    /** End of the run of digits starting at {@code i} (no separators). */
    static int runEnd(CharSequence s, int i) {
        int n = s.length();
        while (i < n && valueAt(s, i) >= 0) {
            i += widthAt(s, i);
        }
        return i;
    }

    /** Digits in {@code [from, to)}. */
    static int count(CharSequence s, int from, int to) {
        int count = 0;
        for (int i = from; i < to; ) {
            if (valueAt(s, i) >= 0) {
                count++;
            }
            i += widthAt(s, i);
        }
        return count;
    }

    /** {@link #count(CharSequence, int, int)}, stopping at {@code limit}: enough to rule a long number out. */
    static int count(CharSequence s, int from, int to, int limit) {
        int count = 0;
        for (int i = from; i < to && count < limit; ) {
            if (valueAt(s, i) >= 0) {
                count++;
            }
            i += widthAt(s, i);
        }
        return count;
    }

    /**
     * Whether {@code c} may sit between two digit groups of one number: a space or a dash,
     * including their Unicode look-alikes (no-break and thin spaces, hyphens, minus, full-width).
     * A newline or tab is not: a number split over lines is not joined.
     */
    static boolean isSeparator(char c) {
        switch (c) {
            case ' ':
            case '-':
            case '\u00A0': // no-break space
            case '\u2007': // figure space
            case '\u2009': // thin space
            case '\u202F': // narrow no-break space
            case '\u2010': // hyphen
            case '\u2011': // non-breaking hyphen
            case '\u2012': // figure dash
            case '\u2013': // en dash
            case '\u2014': // em dash
            case '\u2212': // minus sign
            case '\u3000': // ideographic space
            case '\uFF0D': // full-width hyphen-minus
                return true;
            default:
                return false;
        }
    }

    /**
     * Whether {@code c} is invisible formatting (Unicode category Cf: zero-width space and
     * joiners, soft hyphen, word joiner, byte-order mark, bidi controls). Between digits it hides
     * nothing from a reader, so it must not hide a number from a detector either.
     */
    static boolean isInvisible(char c) {
        return c >= 0xAD && Character.getType(c) == Character.FORMAT;
    }

    /** Whether {@code c} may sit in the gap between two digit groups: a separator or invisible. */
    static boolean isGap(char c) {
        return isSeparator(c) || isInvisible(c);
    }

    /** The longest gap between two digit groups of one number, in chars. */
    static final int MAX_GAP = 4;

    /**
     * Start of the next digit group after a group ending at {@code end}, or -1. Groups are joined
     * by one separator ({@link #isSeparator}), give or take invisible characters, at most
     * {@value #MAX_GAP} chars in all.
     */
    static int nextGroup(CharSequence s, int end) {
        int n = s.length();
        int limit = Math.min(n, end + MAX_GAP);
        int i = end;
        boolean separated = false;
        while (i < limit) {
            char c = s.charAt(i);
            if (isSeparator(c) && !separated) {
                separated = true;
            } else if (!isInvisible(c)) {
                break;
            }
            i++;
        }
        return i > end && i < n && valueAt(s, i) >= 0 ? i : -1;
    }

    /** Whether the code point ending just before {@code i} is a letter or digit. */
    static boolean isWordBefore(CharSequence s, int i) {
        if (i <= 0) {
            return false;
        }
        char c = s.charAt(i - 1);
        if (c < 0x80) {
            return isAsciiAlnum(c);
        }
        if (Character.isLowSurrogate(c) && i >= 2 && Character.isHighSurrogate(s.charAt(i - 2))) {
            return Character.isLetterOrDigit(Character.toCodePoint(s.charAt(i - 2), c));
        }
        return Character.isLetterOrDigit(c);
    }

    /** Whether the code point starting at {@code i} is a letter or digit ({@code false} at the end). */
    static boolean isWordAt(CharSequence s, int i) {
        if (i >= s.length()) {
            return false;
        }
        char c = s.charAt(i);
        if (c < 0x80) {
            return isAsciiAlnum(c);
        }
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            return Character.isLetterOrDigit(Character.toCodePoint(c, s.charAt(i + 1)));
        }
        return Character.isLetterOrDigit(c);
    }

    static boolean isAsciiAlnum(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** Appends the ASCII form of every digit in {@code [from, to)}: the canonical text hashed for a number. */
    static void appendAsciiDigits(CharSequence s, int from, int to, StringBuilder out) {
        for (int i = from; i < to; ) {
            int d = valueAt(s, i);
            if (d >= 0) {
                out.append((char) ('0' + d));
            }
            i += widthAt(s, i);
        }
    }

    /**
     * Appends {@code [from, to)} with every digit but the first {@code keepFirst} and the last
     * {@code keepLast} replaced by {@code *}; other characters are copied.
     */
    static void appendMaskedDigits(CharSequence s, int from, int to, int keepFirst, int keepLast, StringBuilder out) {
        int total = count(s, from, to);
        int k = 0;
        for (int i = from; i < to; ) {
            int w = widthAt(s, i);
            if (valueAt(s, i) >= 0) {
                if (k < keepFirst || k >= total - keepLast) {
                    out.append(s, i, i + w);
                } else {
                    out.append('*');
                }
                k++;
            } else {
                out.append(s, i, i + w);
            }
            i += w;
        }
    }
}

package dev.agentguard.core.masking;

import java.util.Arrays;

/**
 * Finds card verification codes (CVV2, CVC2, CID, ...): a standalone number of 3 or 4 digits
 * that follows a card-context word ({@code cvv}, {@code cvc}, {@code cvv2}, {@code security code},
 * ...) within {@value #WINDOW} characters, with no other digits in between.
 *
 * <p>A 3-digit number alone is far too common to mask everywhere, hence the context. Context
 * words match case-insensitively as whole words, in {@code snake_case}, {@code kebab-case},
 * {@code camelCase} and JSON keys alike: {@code {"card_cvv": "123"}}, {@code CVV2: 123},
 * {@code securityCode=1234}. A number that is one group of a longer grouped number
 * ({@code cvv 123-4567}) is not a CVV.
 */
public final class CvvDetector implements Detector {
    /** This detector's name in policies. */
    public static final String NAME = "cvv";

    /** How far before the number a context word may end. */
    static final int WINDOW = 32;

    /**
     * How far after the {@code c} of a context word a code may start: the longest context word
     * (18 chars) plus the window, rounded up. Every context word holds a {@code c} followed by
     * {@code v}, {@code a}, {@code s}, {@code i} or {@code o}; the masker's pre-scan notes those.
     */
    static final int REACH = 64;

    /** Context words, lower case; a space matches a space, '_', '-' or nothing. */
    private static final String[] CONTEXT = {
        "cvv2", "cvc2", "cav2", "cvn2", "cvv", "cvc", "cvn", "cvd", "csc", "cid",
        "security code", "card verification", "verification code", "verification value", "card code"
    };

    /** Context words by their last letter, so most positions are ruled out with one lookup. */
    private static final String[][] CONTEXT_BY_LAST = new String[128][];

    static {
        for (String word : CONTEXT) {
            char last = word.charAt(word.length() - 1);
            String[] current = CONTEXT_BY_LAST[last];
            String[] grown = current == null ? new String[1] : Arrays.copyOf(current, current.length + 1);
            grown[grown.length - 1] = word;
            CONTEXT_BY_LAST[last] = grown;
            if (word.length() + WINDOW > REACH) {
                throw new ExceptionInInitializerError("context word \"" + word + "\" reaches past REACH");
            }
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void find(CharSequence text, HitSink sink) {
        find(text, 0, text.length(), sink);
    }

    /**
     * {@link #find(CharSequence, HitSink)} for the numbers that start in {@code [from, to)},
     * {@code from} being outside any number or at its first digit: the masker's pre-scan passes
     * only the stretches after a possible context word. Returns where the scan stopped, at or
     * after {@code to}.
     */
    int find(CharSequence text, int from, int to, HitSink sink) {
        int i = from;
        while (i < to) {
            if (Digits.valueAt(text, i) < 0) {
                i++;
                continue;
            }
            int end = runEnd(text, i);
            int digits = Digits.count(text, i, end, 5); // 5: more than a code has
            if (digits >= 3 && digits <= 4 && standalone(text, i, end) && contextBefore(text, i)) {
                sink.hit(i, end);
            }
            i = end;
        }
        return i;
    }

    /** End of the digits from {@code i}, invisible characters between them included ("1\u200B23"). */
    private static int runEnd(CharSequence text, int i) {
        int end = Digits.runEnd(text, i);
        while (true) {
            int k = end;
            while (k < text.length() && k - end < Digits.MAX_GAP && Digits.isInvisible(text.charAt(k))) {
                k++;
            }
            if (k == end || !Digits.isDigitAt(text, k)) {
                return end;
            }
            end = Digits.runEnd(text, k);
        }
    }

    /** Not glued to letters or digits, and not one group of a grouped number. */
    private static boolean standalone(CharSequence text, int start, int end) {
        if (Digits.isWordBefore(text, start) || Digits.isWordAt(text, end)) {
            return false;
        }
        if (start >= 2 && Digits.isSeparator(text.charAt(start - 1)) && Digits.isDigitAt(text, start - 2)
                && !endsAWord(text, start - 1)) {
            return false;
        }
        return Digits.nextGroup(text, end) < 0;
    }

    /**
     * Whether the digits ending at {@code end} are glued to letters before them ({@code cvv2}): the
     * end of a word such as a context word, not a group of a grouped number.
     */
    private static boolean endsAWord(CharSequence text, int end) {
        int k = end;
        while (k > 0 && Digits.valueAt(text, k - 1) >= 0) {
            k--;
        }
        return k > 0 && Character.isLetter(text.charAt(k - 1));
    }

    /** Whether a context word ends within the window before {@code start}, with no digit in between. */
    private static boolean contextBefore(CharSequence text, int start) {
        int limit = Math.max(0, start - WINDOW);
        for (int end = start; end > limit; end--) {
            char c = text.charAt(end - 1);
            if (c < 0x80) {
                String[] words = CONTEXT_BY_LAST[c | 0x20];
                // A context word must not run on into a lower-case letter ("cvvs" is not "cvv").
                if (words != null && !(end < start && isLowerAsciiLetter(text.charAt(end)))) {
                    for (String word : words) {
                        if (endsWithWord(text, end, word)) {
                            return true;
                        }
                    }
                }
                if (c >= '0' && c <= '9') {
                    return false; // another number sits between the context and the code
                }
            } else if (Digits.valueAt(text, end - 1) >= 0) {
                return false;
            }
        }
        return false;
    }

    /**
     * Whether {@code word} ends at {@code end}, starting at a word boundary (not after a letter,
     * except a lower-to-upper camelCase step).
     */
    private static boolean endsWithWord(CharSequence text, int end, String word) {
        int t = end;
        for (int w = word.length() - 1; w >= 0; w--) {
            char wc = word.charAt(w);
            if (wc == ' ') {
                if (t > 0 && (text.charAt(t - 1) == ' ' || text.charAt(t - 1) == '_' || text.charAt(t - 1) == '-')) {
                    t--;
                }
                continue;
            }
            if (t == 0 || Character.toLowerCase(text.charAt(t - 1)) != wc) {
                return false;
            }
            t--;
        }
        if (t == 0) {
            return true;
        }
        char before = text.charAt(t - 1);
        if (!Character.isLetterOrDigit(before)) {
            return true;
        }
        // camelCase: "cardCvv" — the word starts upper case right after a lower-case letter.
        return Character.isUpperCase(text.charAt(t)) && Character.isLowerCase(before);
    }

    private static boolean isLowerAsciiLetter(char c) {
        return c >= 'a' && c <= 'z';
    }

    /** PARTIAL: a verification code is never shown, not even in part (PCI DSS 3.3.1): every digit {@code *}. */
    static void appendPartial(CharSequence text, int from, int to, StringBuilder out) {
        Digits.appendMaskedDigits(text, from, to, 0, 0, out);
    }
}

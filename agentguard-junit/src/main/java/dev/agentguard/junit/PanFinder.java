package dev.agentguard.junit;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds card numbers (PANs) in text: 13 to 19 digits, optionally grouped by single spaces or
 * dashes, that pass the Luhn check and start like a payment card (Mastercard 2221-2720, or a
 * first digit of 3 to 6: Amex, Diners, JCB, Visa, Mastercard, Maestro, Discover, UnionPay).
 *
 * <p>The card-like start is what keeps epoch timestamps (which start with 1) and compact dates
 * such as {@code 20261125221403123} (2026 is no card prefix) from being reported, even when their
 * digits happen to pass Luhn, as one in ten numbers does.
 */
final class PanFinder {
    private static final int MIN_DIGITS = 13;
    private static final int MAX_DIGITS = 19;

    /**
     * A card number found in a text.
     *
     * @param start  index of its first digit
     * @param end    index after its last digit
     * @param digits its digits, without separators
     */
    record Pan(int start, int end, String digits) {
        /** The first 6 and last 4 digits, the rest as {@code *}: what PCI DSS 3.4.1 allows to show. */
        String masked() {
            int n = digits.length();
            return digits.substring(0, 6) + "*".repeat(n - 10) + digits.substring(n - 4);
        }
    }

    private PanFinder() {
    }

    /** Every card number in {@code text}, in order; empty for {@code null}. */
    static List<Pan> find(String text) {
        List<Pan> found = new ArrayList<>();
        if (text == null) {
            return found;
        }
        int n = text.length();
        List<int[]> groups = new ArrayList<>();
        int i = 0;
        while (i < n) {
            if (!isDigit(text.charAt(i))) {
                i++;
                continue;
            }
            // A run: digit groups joined by single spaces or dashes, as cards are printed.
            groups.clear();
            int j = i;
            while (true) {
                int start = j;
                while (j < n && isDigit(text.charAt(j))) {
                    j++;
                }
                groups.add(new int[] {start, j});
                if (j + 1 < n && isSeparator(text.charAt(j)) && isDigit(text.charAt(j + 1))) {
                    j++;
                    continue;
                }
                break;
            }
            // From each group, take the longest span of whole groups that is a card number.
            int g = 0;
            while (g < groups.size()) {
                Pan best = null;
                int bestEnd = -1;
                StringBuilder digits = new StringBuilder(MAX_DIGITS);
                for (int h = g; h < groups.size(); h++) {
                    digits.append(text, groups.get(h)[0], groups.get(h)[1]);
                    if (digits.length() > MAX_DIGITS) {
                        break;
                    }
                    if (digits.length() >= MIN_DIGITS && isCardNumber(digits)) {
                        best = new Pan(groups.get(g)[0], groups.get(h)[1], digits.toString());
                        bestEnd = h;
                    }
                }
                if (best != null) {
                    found.add(best);
                    g = bestEnd + 1;
                } else {
                    g++;
                }
            }
            i = j;
        }
        return found;
    }

    /** {@code text} with every card number replaced by its masked form; {@code null} stays {@code null}. */
    static String maskAll(String text) {
        List<Pan> pans = find(text);
        if (pans.isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int copied = 0;
        for (Pan p : pans) {
            out.append(text, copied, p.start()).append(p.masked());
            copied = p.end();
        }
        return out.append(text, copied, text.length()).toString();
    }

    static boolean isCardNumber(CharSequence digits) {
        return startsLikeCard(digits) && passesLuhn(digits);
    }

    private static boolean startsLikeCard(CharSequence d) {
        char first = d.charAt(0);
        if (first >= '3' && first <= '6') {
            return true;
        }
        if (first != '2') {
            return false;
        }
        int prefix = Integer.parseInt(d.subSequence(0, 4).toString());
        return prefix >= 2221 && prefix <= 2720;
    }

    private static boolean passesLuhn(CharSequence d) {
        int sum = 0;
        boolean doubleIt = false;
        for (int k = d.length() - 1; k >= 0; k--) {
            int v = d.charAt(k) - '0';
            if (doubleIt) {
                v *= 2;
                if (v > 9) {
                    v -= 9;
                }
            }
            sum += v;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isSeparator(char c) {
        return c == ' ' || c == '-';
    }
}

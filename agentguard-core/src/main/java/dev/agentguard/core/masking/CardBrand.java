package dev.agentguard.core.masking;

/**
 * Card brands by issuer identification number (IIN) range and PAN length, from the brands'
 * published ranges. A Luhn-valid number is only taken for a card number when a brand issues
 * that prefix at that length, so timestamps (epoch millis start with 1) and most order numbers
 * are left alone. Name a brand to give it its own partial display
 * ({@link MaskingRules.Builder#partialForBrand(CardBrand, int, int)}).
 */
public enum CardBrand {
    VISA(lengths(13, 16, 19), 4, 4, 1),
    MASTERCARD(lengths(16), 51, 55, 2, 2221, 2720, 4),
    AMEX(lengths(15), 34, 34, 2, 37, 37, 2),
    DISCOVER(range(16, 19), 6011, 6011, 4, 644, 649, 3, 65, 65, 2, 622126, 622925, 6),
    JCB(range(16, 19), 3528, 3589, 4),
    DINERS(range(14, 19), 36, 36, 2, 300, 305, 3, 3095, 3095, 4, 38, 39, 2),
    UNIONPAY(range(16, 19), 62, 62, 2),
    MAESTRO(range(12, 19), 5018, 5018, 4, 5020, 5020, 4, 5038, 5038, 4, 5893, 5893, 4, 6304, 6304, 4,
            6759, 6759, 4, 6761, 6763, 4),
    MIR(range(16, 19), 2200, 2204, 4),
    RUPAY(lengths(16), 60, 60, 2, 65, 65, 2, 81, 82, 2, 508, 508, 3),
    DANKORT(lengths(16), 5019, 5019, 4),
    TROY(lengths(16), 9792, 9792, 4),
    VERVE(lengths(16, 18, 19), 506099, 506198, 6, 650002, 650027, 6),
    INTERPAYMENT(range(16, 19), 636, 636, 3);

    private static final CardBrand[] BRANDS = values();
    private static final int[] POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000};

    /** Bit {@code n} set when the brand issues {@code n}-digit PANs. */
    private final int lengthBits;
    /** Triples: low, high, number of prefix digits. */
    private final int[] ranges;

    CardBrand(int lengthBits, int... ranges) {
        this.lengthBits = lengthBits;
        this.ranges = ranges;
    }

    /**
     * The brand of the card number written in {@code [from, to)} of {@code text} (digits in any
     * script, separators ignored), or null when no brand issues it.
     */
    static CardBrand of(CharSequence text, int from, int to) {
        int count = 0;
        int firstSix = 0;
        for (int i = from; i < to; ) {
            int v = Digits.valueAt(text, i);
            if (v >= 0) {
                if (count < 6) {
                    firstSix = firstSix * 10 + v;
                }
                count++;
            }
            i += Digits.widthAt(text, i);
        }
        if (count < 6 || count > 19) {
            return null;
        }
        return of(firstSix, count);
    }

    /** Per decimal digit: whether some brand issues card numbers starting with it (for the masker's pre-scan). */
    static final boolean[] FIRST_DIGITS = new boolean[10];

    static {
        for (CardBrand brand : BRANDS) {
            for (int r = 0; r < brand.ranges.length; r += 3) {
                int scale = POW10[brand.ranges[r + 2] - 1];
                for (int d = brand.ranges[r] / scale; d <= brand.ranges[r + 1] / scale; d++) {
                    FIRST_DIGITS[d] = true;
                }
            }
        }
    }

    /** The brand issuing PANs of {@code length} digits starting with {@code firstSix}, or null. */
    static CardBrand of(int firstSix, int length) {
        for (CardBrand brand : BRANDS) {
            if ((brand.lengthBits & (1 << length)) != 0 && brand.hasPrefix(firstSix)) {
                return brand;
            }
        }
        return null;
    }

    private boolean hasPrefix(int firstSix) {
        for (int r = 0; r < ranges.length; r += 3) {
            int prefix = firstSix / POW10[6 - ranges[r + 2]];
            if (prefix >= ranges[r] && prefix <= ranges[r + 1]) {
                return true;
            }
        }
        return false;
    }

    private static int lengths(int... lengths) {
        int bits = 0;
        for (int n : lengths) {
            bits |= 1 << n;
        }
        return bits;
    }

    private static int range(int from, int to) {
        int bits = 0;
        for (int n = from; n <= to; n++) {
            bits |= 1 << n;
        }
        return bits;
    }
}

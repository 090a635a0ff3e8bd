package dev.agentguard.core.masking;

import java.util.Map;

/**
 * How many leading and trailing digits {@link MaskStrategy#PARTIAL} keeps of a card number: one
 * default, and per brand where configured. Brand lookup only happens when some brand differs.
 */
final class PartialDisplay {
    private final int keepFirst;
    private final int keepLast;
    /** Per brand ordinal; null when no brand has its own setting. */
    private final int[] firstByBrand;
    private final int[] lastByBrand;

    PartialDisplay(int keepFirst, int keepLast, Map<CardBrand, int[]> byBrand) {
        this.keepFirst = keepFirst;
        this.keepLast = keepLast;
        if (byBrand.isEmpty()) {
            firstByBrand = null;
            lastByBrand = null;
        } else {
            CardBrand[] brands = CardBrand.values();
            firstByBrand = new int[brands.length];
            lastByBrand = new int[brands.length];
            for (CardBrand b : brands) {
                int[] setting = byBrand.get(b);
                firstByBrand[b.ordinal()] = setting == null ? keepFirst : setting[0];
                lastByBrand[b.ordinal()] = setting == null ? keepLast : setting[1];
            }
        }
    }

    int keepFirst() {
        return keepFirst;
    }

    int keepLast() {
        return keepLast;
    }

    /** Leading digits to keep of the card number in {@code [from, to)}. */
    int keepFirst(CharSequence text, int from, int to) {
        if (firstByBrand == null) {
            return keepFirst;
        }
        CardBrand brand = CardBrand.of(text, from, to);
        if (brand == null) {
            return keepFirst;
        }
        int first = firstByBrand[brand.ordinal()];
        if (first > MaskingRules.MAX_KEEP_FIRST) {
            // Beyond the sixth digit only where at least 4 stay hidden: 8 + 4 of 16 digits, 6 + 4 of 13.
            int count = Digits.count(text, from, to);
            first = Math.min(first, Math.max(MaskingRules.MAX_KEEP_FIRST, count - lastByBrand[brand.ordinal()] - 4));
        }
        return first;
    }

    /** Trailing digits to keep of the card number in {@code [from, to)}. */
    int keepLast(CharSequence text, int from, int to) {
        if (lastByBrand == null) {
            return keepLast;
        }
        CardBrand brand = CardBrand.of(text, from, to);
        return brand == null ? keepLast : lastByBrand[brand.ordinal()];
    }
}

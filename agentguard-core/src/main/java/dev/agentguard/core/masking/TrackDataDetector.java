package dev.agentguard.core.masking;

/**
 * Finds magnetic-stripe track data, which must never be stored after authorisation
 * (PCI DSS 3.3.1.1): the whole track is one hit, so the expiry, service code and discretionary
 * data (PVV, CVV1) go with the PAN.
 *
 * <ul>
 *   <li>Track 1: {@code %B4111111111111111^DOE/JOHN^25121010000000000000?}, with or without the
 *       {@code %} sentinel, the {@code B} format code and the {@code ?} end sentinel;</li>
 *   <li>Track 2: {@code ;4111111111111111=25121010000000000?}, with or without sentinels;</li>
 *   <li>EMV "track 2 equivalent data" (tag 57), as terminals log it:
 *       {@code 4111111111111111D25121010000000000F}.</li>
 * </ul>
 * The PAN part is 12 to 19 ASCII digits. Without a start sentinel, track 2 forms also need a
 * Luhn-valid PAN, since {@code digits=digits} alone is common in query strings.
 */
public final class TrackDataDetector implements Detector {
    /** This detector's name in policies. */
    public static final String NAME = "track";

    private static final int TRACK1_MAX = 79;
    private static final int TRACK2_MAX = 40;
    private static final int NAME_MAX = 26;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void find(CharSequence text, HitSink sink) {
        int n = text.length();
        int i = 0;
        while (i < n) {
            if (!isAsciiDigit(text.charAt(i))) {
                i++;
                continue;
            }
            int s = i;
            int e = s;
            while (e < n && isAsciiDigit(text.charAt(e))) {
                e++;
            }
            i = e;
            int digits = e - s;
            if (digits < PanDetector.MIN_DIGITS || digits > PanDetector.MAX_DIGITS) {
                continue;
            }
            if (e >= n || (text.charAt(e) != '^' && !Digits.isWordAt(text, e))) {
                // Track 1 cut right after the PAN: "%B4111111111111111" (the glued B hides it from PanDetector).
                if (s >= 2 && text.charAt(s - 2) == '%' && text.charAt(s - 1) == 'B' && luhn(text, s, e)
                        && !Digits.isWordBefore(text, s - 2)) {
                    sink.hit(s - 2, e);
                }
                if (e >= n) {
                    continue;
                }
            }
            char sep = text.charAt(e);
            int end = -1;
            int start = s;
            if (sep == '^') {
                if (s > 0 && (text.charAt(s - 1) == 'B' || text.charAt(s - 1) == 'b')) {
                    start = s - 1;
                }
                if (start > 0 && text.charAt(start - 1) == '%') {
                    start--;
                }
                if (!Digits.isWordBefore(text, start)) {
                    end = track1End(text, start, e, start < s);
                }
            } else if (sep == '=' || sep == 'D' || sep == 'd') {
                boolean sentinel = s > 0 && text.charAt(s - 1) == ';';
                if (sentinel) {
                    start = s - 1;
                }
                if (!Digits.isWordBefore(text, start) && (sentinel || luhn(text, s, e))) {
                    end = track2End(text, start, e, sep != '=');
                }
            }
            if (end > 0) {
                sink.hit(start, end);
                i = end;
            }
        }
    }

    /**
     * After {@code ^}: the name, {@code ^}, expiry, service code and discretionary data, up to
     * {@code ?} or a space. With a format code ({@code B}) the rest is taken as far as it goes,
     * since even a cut track leaks; without one the full structure and an expiry are required.
     */
    private static int track1End(CharSequence text, int start, int caret, boolean formatCode) {
        int n = text.length();
        int limit = Math.min(n, start + TRACK1_MAX);
        int k = caret + 1;
        int nameStart = k;
        while (k < limit && k - nameStart < NAME_MAX && isNameChar(text.charAt(k))) {
            k++;
        }
        if (k < limit && text.charAt(k) == '^') {
            int data = ++k;
            while (k < limit && isTrack1Data(text.charAt(k))) {
                k++;
            }
            if (!formatCode && k - data < 4) {
                return -1;
            }
        } else if (!formatCode) {
            return -1;
        }
        return k < n && text.charAt(k) == '?' ? k + 1 : k;
    }

    private static boolean isNameChar(char c) {
        return c >= 0x20 && c <= 0x7E && c != '^' && c != '?' && c != '%';
    }

    private static boolean isTrack1Data(char c) {
        return c > 0x20 && c <= 0x5F && c != '%' && c != '^' && c != '?';
    }

    /** After the separator: YYMM, service code and discretionary digits, EMV 'F' padding, an end sentinel. */
    private static int track2End(CharSequence text, int start, int separator, boolean emv) {
        int n = text.length();
        int limit = Math.min(n, start + TRACK2_MAX);
        int k = separator + 1;
        while (k < limit && isAsciiDigit(text.charAt(k))) {
            k++;
        }
        if (k - separator - 1 < 4) {
            return -1; // no expiry: not track data
        }
        if (emv) {
            while (k < n && (text.charAt(k) == 'F' || text.charAt(k) == 'f') && k - separator < TRACK2_MAX) {
                k++;
            }
        }
        if (k < n && text.charAt(k) == '?') {
            return k + 1;
        }
        return Digits.isWordAt(text, k) ? -1 : k;
    }

    private static boolean luhn(CharSequence text, int from, int to) {
        int sum = 0;
        boolean doubleIt = false;
        for (int k = to - 1; k >= from; k--) {
            int d = text.charAt(k) - '0';
            if (doubleIt) {
                d = d < 5 ? d * 2 : d * 2 - 9;
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }
}

package dev.agentguard.core.masking;

/**
 * Finds International Bank Account Numbers: a country code, two check digits and up to 30
 * letters and digits, written together ({@code DE89370400440532013000}) or in groups joined by
 * single spaces ({@code DE89 3704 0044 0532 0130 00}), whose ISO 13616 mod-97 check holds.
 *
 * <p>For a country in the IBAN registry the registered length is preferred, so a word or number
 * after the last group is not swallowed; any other length from 15 to 34 that passes mod-97 is
 * still taken (fail closed if the registry grows). Letters may be written in either case.
 */
public final class IbanDetector implements Detector {
    /** This detector's name in policies. */
    public static final String NAME = "iban";

    private static final int MIN_LENGTH = 15;
    private static final int MAX_LENGTH = 34;

    /** Registered IBAN lengths (SWIFT IBAN registry), country code then length. */
    private static final String REGISTRY = "AD24AE23AL28AT20AZ28BA20BE16BG22BH22BI27BR29BY28CH21CR22CY28CZ24DE22DJ27"
            + "DK18DO28EE20EG29ES24FI18FK18FO18FR27GB22GE22GI23GL18GR27GT28HN28HR21HU28IE22IL23IQ23IS26IT27JO30"
            + "KW30KZ20LB28LC32LI21LT20LU20LV21LY25MC27MD24ME22MK19MN20MR27MT31MU30NI28NL18NO15OM23PK24PL28PS29"
            + "PT25QA29RO24RS22RU33SA24SC31SD18SE24SI19SK24SM27SO23ST25SV28TL23TN24TR26UA29VA22VG24XK20YE30";
    private static final byte[] LENGTHS = new byte[26 * 26];

    static {
        for (int k = 0; k < REGISTRY.length(); k += 4) {
            LENGTHS[(REGISTRY.charAt(k) - 'A') * 26 + REGISTRY.charAt(k + 1) - 'A'] =
                    (byte) Integer.parseInt(REGISTRY.substring(k + 2, k + 4));
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void find(CharSequence text, HitSink sink) {
        int n = text.length();
        for (int i = 0; i + MIN_LENGTH <= n; i++) {
            if (isLetter(text.charAt(i)) && isLetter(text.charAt(i + 1)) && isDigit(text.charAt(i + 2))
                    && isDigit(text.charAt(i + 3)) && !Digits.isWordBefore(text, i)) {
                int end = ibanEnd(text, i);
                if (end > 0) {
                    sink.hit(i, end);
                    i = end - 1;
                }
            }
        }
    }

    /** End of an IBAN starting at {@code start}, or -1. */
    private static int ibanEnd(CharSequence text, int start) {
        int n = text.length();
        int c1 = upper(text.charAt(start)) - 'A';
        int c2 = upper(text.charAt(start + 1)) - 'A';
        int registered = LENGTHS[c1 * 26 + c2];
        int check1 = text.charAt(start + 2) - '0';
        int check2 = text.charAt(start + 3) - '0';
        // mod 97 of the rearranged number (BBAN, country, check digits), computed as the BBAN is read.
        int remainder = 0;
        int count = 4;
        int fallback = -1;
        int i = start + 4;
        while (true) {
            while (i < n && Digits.isAsciiAlnum(text.charAt(i))) {
                if (count == MAX_LENGTH) {
                    return fallback;
                }
                char c = text.charAt(i);
                int v = c <= '9' ? c - '0' : upper(c) - 'A' + 10;
                remainder = v < 10 ? (remainder * 10 + v) % 97 : (remainder * 100 + v) % 97;
                count++;
                i++;
            }
            if (count >= MIN_LENGTH && !Digits.isWordAt(text, i)) {
                int r = (remainder * 100 + c1 + 10) % 97;
                r = (r * 100 + c2 + 10) % 97;
                r = (r * 100 + check1 * 10 + check2) % 97;
                if (r == 1) {
                    if (count == registered) {
                        return i;
                    }
                    fallback = i;
                }
            }
            if (i + 1 < n && text.charAt(i) == ' ' && Digits.isAsciiAlnum(text.charAt(i + 1))) {
                i++;
                continue;
            }
            return fallback;
        }
    }

    private static boolean isLetter(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static char upper(char c) {
        return c >= 'a' ? (char) (c - 32) : c;
    }

    /** PARTIAL: the country code and the last {@code keepLast} characters, {@code DE** **** **** **** **30 00}. */
    static void appendPartial(CharSequence text, int from, int to, int keepLast, StringBuilder out) {
        int total = 0;
        for (int i = from; i < to; i++) {
            if (text.charAt(i) != ' ') {
                total++;
            }
        }
        int k = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == ' ') {
                out.append(c);
                continue;
            }
            out.append(k < 2 || k >= total - keepLast ? c : '*');
            k++;
        }
    }

    /** The canonical form hashed: letters and digits only, upper case. */
    static void appendCanonical(CharSequence text, int from, int to, StringBuilder out) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c != ' ') {
                out.append(upper(c));
            }
        }
    }
}

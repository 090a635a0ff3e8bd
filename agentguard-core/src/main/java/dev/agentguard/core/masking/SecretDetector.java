package dev.agentguard.core.masking;

/**
 * Finds credentials by their well-known shapes:
 * <ul>
 *   <li>AWS access key ids: {@code AKIA} (long-term) or {@code ASIA} (temporary) and 16 upper-case
 *       letters or digits;</li>
 *   <li>JSON Web Tokens (and JWE): base64url parts joined by dots, the header starting
 *       {@code eyJ} (base64 of <code>{"</code>); an unsigned token with an empty signature counts;</li>
 *   <li>PEM private key blocks ({@code -----BEGIN ... PRIVATE KEY-----} to the matching
 *       {@code -----END ...-----}, or to the end of the text when the block is cut off), PGP
 *       private key blocks included;</li>
 *   <li>GitHub tokens ({@code ghp_}, {@code gho_}, {@code ghu_}, {@code ghs_}, {@code ghr_},
 *       {@code github_pat_}), Slack tokens ({@code xoxb-}, ...), Stripe live secret keys
 *       ({@code sk_live_}, {@code rk_live_}) and Google API keys ({@code AIza}).</li>
 * </ul>
 * Each must stand alone: not preceded or followed by more characters of its own alphabet.
 */
public final class SecretDetector implements Detector {
    /** This detector's name in policies. */
    public static final String NAME = "secret";

    private static final String PEM_BEGIN = "-----BEGIN ";
    private static final String PEM_END = "-----END ";
    private static final String DASHES = "-----";
    private static final int PEM_LABEL_MAX = 40;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void find(CharSequence text, HitSink sink) {
        int n = text.length();
        int i = 0;
        while (i < n) {
            int end = secretEndAt(text, i);
            if (end > i) {
                sink.hit(i, end);
                i = end;
            } else {
                i++;
            }
        }
    }

    /** First characters of every secret prefix {@link #secretEndAt} reads; keep the two in step. */
    static final String FIRST_CHARS = "Ae-gxsr";

    /**
     * Whether {@code c} then {@code next} can start a secret prefix (AKIA, eyJ, -----, gh, xox,
     * sk_): the masker's cheap pre-check, so it must cover every prefix {@link #secretEndAt} reads.
     */
    static boolean mayStartAt(char c, char next) {
        switch (c) {
            case 'A':
                return next == 'K' || next == 'S' || next == 'I';
            case 'e':
                return next == 'y';
            case '-':
                return next == '-';
            case 'g':
                return next == 'h' || next == 'i';
            case 'x':
                return next == 'o';
            default: // 's', 'r'
                return next == 'k';
        }
    }

    /** End of a secret starting at {@code i}, or -1. */
    private static int secretEndAt(CharSequence text, int i) {
        switch (text.charAt(i)) {
            case 'A':
                if (startsWith(text, i, "AKIA") || startsWith(text, i, "ASIA")) {
                    return fixedRun(text, i, 4, 16, SecretDetector::isUpperAlnum);
                }
                if (startsWith(text, i, "AIza")) {
                    return fixedRun(text, i, 4, 35, SecretDetector::isBase64Url);
                }
                return -1;
            case 'e':
                return startsWith(text, i, "eyJ") ? jwtEnd(text, i) : -1;
            case '-':
                return startsWith(text, i, PEM_BEGIN) ? pemEnd(text, i) : -1;
            case 'g':
                if (startsWith(text, i, "github_pat_")) {
                    return minRun(text, i, 11, 22, SecretDetector::isWordChar);
                }
                if (i + 3 < text.length() && text.charAt(i + 1) == 'h' && "pousr".indexOf(text.charAt(i + 2)) >= 0
                        && text.charAt(i + 3) == '_') {
                    return minRun(text, i, 4, 30, SecretDetector::isAlnum);
                }
                return -1;
            case 'x':
                if (i + 4 < text.length() && startsWith(text, i, "xox") && "abposr".indexOf(text.charAt(i + 3)) >= 0
                        && text.charAt(i + 4) == '-') {
                    return minRun(text, i, 5, 10, c -> isAlnum(c) || c == '-');
                }
                return -1;
            case 's':
            case 'r':
                if (i + 1 < text.length() && text.charAt(i + 1) == 'k' && startsWith(text, i + 2, "_live_")) {
                    return minRun(text, i, 8, 16, SecretDetector::isAlnum);
                }
                return -1;
            default:
                return -1;
        }
    }

    /** A prefix of {@code prefixLength} then exactly {@code length} chars of the alphabet, standing alone. */
    private static int fixedRun(CharSequence text, int i, int prefixLength, int length, CharClass alphabet) {
        if (i > 0 && alphabet.has(text.charAt(i - 1))) {
            return -1;
        }
        int end = i + prefixLength + length;
        if (end > text.length()) {
            return -1;
        }
        for (int k = i + prefixLength; k < end; k++) {
            if (!alphabet.has(text.charAt(k))) {
                return -1;
            }
        }
        return end < text.length() && alphabet.has(text.charAt(end)) ? -1 : end;
    }

    /** A prefix of {@code prefixLength} then at least {@code minLength} chars of the alphabet. */
    private static int minRun(CharSequence text, int i, int prefixLength, int minLength, CharClass alphabet) {
        if (i > 0 && (alphabet.has(text.charAt(i - 1)) || Digits.isWordBefore(text, i))) {
            return -1;
        }
        int k = i + prefixLength;
        while (k < text.length() && alphabet.has(text.charAt(k))) {
            k++;
        }
        return k - i - prefixLength >= minLength ? k : -1;
    }

    /** Base64url parts joined by dots, at least three (header, payload, signature possibly empty). */
    private static int jwtEnd(CharSequence text, int i) {
        if (i > 0 && isBase64Url(text.charAt(i - 1))) {
            return -1;
        }
        int n = text.length();
        int k = i;
        int parts = 0;
        int end = -1;
        while (true) {
            int partStart = k;
            while (k < n && isBase64Url(text.charAt(k))) {
                k++;
            }
            int length = k - partStart;
            parts++;
            if (parts == 1 && length < 10 || parts == 2 && length < 2) {
                return -1; // too short for a JOSE header or a payload
            }
            if (parts >= 3) {
                end = k;
            }
            if (parts < 5 && k < n && text.charAt(k) == '.') {
                k++;
                continue;
            }
            return end;
        }
    }

    /** A private key block to its END line, or to the end of the text when cut off. */
    private static int pemEnd(CharSequence text, int i) {
        int labelStart = i + PEM_BEGIN.length();
        int labelEnd = indexOf(text, DASHES, labelStart, labelStart + PEM_LABEL_MAX);
        if (labelEnd < 0 || !contains(text, labelStart, labelEnd, "PRIVATE KEY")) {
            return -1;
        }
        int endLine = indexOf(text, PEM_END, labelEnd + DASHES.length(), text.length());
        if (endLine < 0) {
            return text.length();
        }
        int close = indexOf(text, DASHES, endLine + PEM_END.length(), endLine + PEM_END.length() + PEM_LABEL_MAX);
        return close < 0 ? text.length() : close + DASHES.length();
    }

    private static boolean startsWith(CharSequence text, int i, String prefix) {
        if (i + prefix.length() > text.length()) {
            return false;
        }
        for (int k = 0; k < prefix.length(); k++) {
            if (text.charAt(i + k) != prefix.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(CharSequence text, String needle, int from, int to) {
        int last = Math.min(to, text.length()) - needle.length();
        for (int i = from; i <= last; i++) {
            if (startsWith(text, i, needle)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean contains(CharSequence text, int from, int to, String needle) {
        return indexOf(text, needle, from, to) >= 0;
    }

    private static boolean isUpperAlnum(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static boolean isAlnum(char c) {
        return Digits.isAsciiAlnum(c);
    }

    private static boolean isWordChar(char c) {
        return Digits.isAsciiAlnum(c) || c == '_';
    }

    private static boolean isBase64Url(char c) {
        return Digits.isAsciiAlnum(c) || c == '-' || c == '_';
    }

    /** A set of characters; a functional interface so the alphabets above stay one-liners. */
    @FunctionalInterface
    private interface CharClass {
        boolean has(char c);
    }
}

package dev.agentguard.core.masking;

/**
 * Finds e-mail addresses: a local part of letters, digits and {@code . _ % + -} (up to 64
 * characters), {@code @}, and a domain of at least two labels whose last one is at least two
 * letters ({@code john.doe+x@mail.example.com}). Letters of any script count, for
 * internationalised addresses.
 */
public final class EmailDetector implements Detector {
    /** This detector's name in policies. */
    public static final String NAME = "email";

    private static final int LOCAL_MAX = 64;
    private static final int DOMAIN_MAX = 253;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void find(CharSequence text, HitSink sink) {
        int n = text.length();
        int from = 0;
        for (int at = indexOf(text, '@', 0); at >= 0; at = indexOf(text, '@', Math.max(at + 1, from))) {
            if (at < from) {
                continue;
            }
            int start = at;
            while (start > 0 && at - start < LOCAL_MAX && isLocalChar(text.charAt(start - 1))) {
                start--;
            }
            while (start < at && text.charAt(start) == '.') {
                start++; // a local part does not start with a dot
            }
            if (start == at) {
                continue;
            }
            int end = domainEnd(text, at + 1, n);
            if (end < 0) {
                continue;
            }
            sink.hit(start, end);
            from = end;
        }
    }

    /** End of a valid domain starting at {@code from}, or -1. */
    private static int domainEnd(CharSequence text, int from, int n) {
        int limit = Math.min(n, from + DOMAIN_MAX);
        int end = from;
        int labels = 0;
        int lastLabelStart = from;
        int i = from;
        while (i < limit) {
            int labelStart = i;
            while (i < limit && isLabelChar(text.charAt(i))) {
                i++;
            }
            // labels neither start nor end with '-'
            int labelEnd = i;
            while (labelEnd > labelStart && text.charAt(labelEnd - 1) == '-') {
                labelEnd--;
            }
            if (labelEnd == labelStart || text.charAt(labelStart) == '-') {
                break;
            }
            labels++;
            lastLabelStart = labelStart;
            end = labelEnd;
            if (labelEnd != i || i >= limit || text.charAt(i) != '.' || i + 1 >= limit
                    || !isLabelChar(text.charAt(i + 1))) {
                break;
            }
            i++; // the dot
        }
        if (labels < 2 || end - lastLabelStart < 2) {
            return -1;
        }
        for (int k = lastLabelStart; k < end; k++) {
            if (!Character.isLetter(text.charAt(k))) {
                return -1; // a top-level domain is letters: "a@1.2" is not an address
            }
        }
        return end;
    }

    private static boolean isLocalChar(char c) {
        return c < 0x80 ? Digits.isAsciiAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
                : Character.isLetterOrDigit(c);
    }

    private static boolean isLabelChar(char c) {
        return c < 0x80 ? Digits.isAsciiAlnum(c) || c == '-' : Character.isLetterOrDigit(c);
    }

    private static int indexOf(CharSequence text, char c, int from) {
        if (text instanceof String) {
            return ((String) text).indexOf(c, from);
        }
        for (int i = from; i < text.length(); i++) {
            if (text.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    /** PARTIAL: the first character of the local part and the whole domain, {@code j***@example.com}. */
    static void appendPartial(CharSequence text, int from, int to, StringBuilder out) {
        int at = from;
        while (at < to && text.charAt(at) != '@') {
            at++;
        }
        if (at - from >= 2) {
            out.append(text.charAt(from));
        }
        out.append("***").append(text, at, to);
    }
}

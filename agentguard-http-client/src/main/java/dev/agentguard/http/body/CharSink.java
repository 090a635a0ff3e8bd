package dev.agentguard.http.body;

import java.util.Arrays;

/** Masked chars on their way to the charset encoder: a growable buffer, reused for the whole body. */
final class CharSink {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Starts small for short bodies; grows with what one window releases. */
    char[] chars = new char[64];
    int length;

    private void ensure(int more) {
        if (length + more > chars.length) {
            chars = Arrays.copyOf(chars, Math.max(chars.length * 2, length + more));
        }
    }

    void append(char c) {
        if (length == chars.length) {
            ensure(1);
        }
        chars[length++] = c;
    }

    void append(char[] source, int from, int to) {
        int n = to - from;
        ensure(n);
        System.arraycopy(source, from, chars, length, n);
        length += n;
    }

    void append(CharSequence s) {
        int n = s.length();
        ensure(n);
        if (s instanceof String) {
            ((String) s).getChars(0, n, chars, length);
        } else if (s instanceof StringBuilder) {
            ((StringBuilder) s).getChars(0, n, chars, length);
        } else {
            for (int i = 0; i < n; i++) {
                chars[length + i] = s.charAt(i);
            }
        }
        length += n;
    }

    /**
     * Appends {@code source[from, to)} as the inside of a JSON string: quote, backslash and control
     * characters escaped, and every non-ASCII char too when {@code asciiOnly} (a charset that cannot
     * hold every character).
     */
    void appendJsonEscaped(char[] source, int from, int to, boolean asciiOnly) {
        int run = from;
        for (int i = from; i < to; i++) {
            char c = source[i];
            if (c >= 0x20 && c != '"' && c != '\\' && (c < 0x80 || !asciiOnly)) {
                continue;
            }
            if (i > run) {
                append(source, run, i);
            }
            escape(c);
            run = i + 1;
        }
        if (to > run) {
            append(source, run, to);
        }
    }

    /** {@link #appendJsonEscaped(char[], int, int, boolean)} for a char sequence. */
    void appendJsonEscaped(CharSequence s, boolean asciiOnly) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\' && (c < 0x80 || !asciiOnly)) {
                append(c);
            } else {
                escape(c);
            }
        }
    }

    private void escape(char c) {
        ensure(6);
        chars[length++] = '\\';
        switch (c) {
            case '"':
                chars[length++] = '"';
                return;
            case '\\':
                chars[length++] = '\\';
                return;
            case '\n':
                chars[length++] = 'n';
                return;
            case '\r':
                chars[length++] = 'r';
                return;
            case '\t':
                chars[length++] = 't';
                return;
            case '\b':
                chars[length++] = 'b';
                return;
            case '\f':
                chars[length++] = 'f';
                return;
            default:
                chars[length++] = 'u';
                chars[length++] = HEX[(c >> 12) & 0xF];
                chars[length++] = HEX[(c >> 8) & 0xF];
                chars[length++] = HEX[(c >> 4) & 0xF];
                chars[length++] = HEX[c & 0xF];
        }
    }

    /** Drops the first {@code n} chars, keeping the rest (a surrogate the encoder waits to pair). */
    void removeFirst(int n) {
        System.arraycopy(chars, n, chars, 0, length - n);
        length -= n;
    }
}

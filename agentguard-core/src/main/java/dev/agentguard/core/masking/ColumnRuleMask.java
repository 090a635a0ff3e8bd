package dev.agentguard.core.masking;

import java.nio.charset.StandardCharsets;

/**
 * A {@link ColumnRule} (or a {@link JsonFieldRule}) prepared for the per-row path: everything but
 * the value is decided here.
 */
final class ColumnRuleMask implements ColumnMask {
    /** What REDACT gives for a column: its name already says what it held. */
    static final String REDACTED = "[REDACTED]";

    private final MaskStrategy strategy;
    private final ColumnPattern pattern;
    private final JsonPointerPattern pointer;
    private final String ruleId;
    private final PartialDisplay partial;
    private final KeyedHash hash;

    ColumnRuleMask(ColumnRule rule, PartialDisplay partial, KeyedHash hash) {
        this.strategy = rule.strategy();
        this.pattern = ColumnPattern.parse(rule.pattern());
        this.pointer = null;
        this.ruleId = rule.ruleId();
        this.partial = partial;
        this.hash = hash;
    }

    ColumnRuleMask(JsonFieldRule rule, PartialDisplay partial, KeyedHash hash) {
        this.strategy = rule.strategy();
        this.pattern = null;
        this.pointer = JsonPointerPattern.parse(rule.pointer());
        this.ruleId = rule.ruleId();
        this.partial = partial;
        this.hash = hash;
    }

    boolean matches(String schema, String table, String column) {
        return pattern != null && pattern.matches(schema, table, column);
    }

    /** For a column rule: whether its column part matches the JSON member {@code name} (exactly, no unknown parts). */
    boolean matchesMember(CharSequence name) {
        return pattern != null && pattern.matchesColumn(name);
    }

    /** For a JSON field rule: whether its pointer is {@code path}. */
    boolean matchesPath(java.util.List<? extends CharSequence> path) {
        return pointer != null && pointer.matches(path);
    }

    @Override
    public String ruleId() {
        return ruleId;
    }

    @Override
    public MaskStrategy strategy() {
        return strategy;
    }

    @Override
    public String mask(String raw) {
        if (raw == null) {
            return null;
        }
        switch (strategy) {
            case REDACT:
                return REDACTED;
            case PARTIAL:
                return partial(raw, partial.keepFirst(raw, 0, raw.length()), partial.keepLast(raw, 0, raw.length()));
            case KEYED_HASH:
                return hash.render(raw);
            case NULL:
            default:
                return null;
        }
    }

    @Override
    public String toString() {
        return ruleId + "=" + strategy;
    }

    /**
     * PARTIAL of a whole value: a card-like value (13 to 19 digits and separators) keeps its first
     * {@code keepFirst} and last {@code keepLast} digits; an e-mail its first character and domain;
     * anything else its last {@code keepLast} letters or digits, and only when at least twice as
     * many are hidden. Separators and punctuation stay; hidden letters and digits become {@code *}.
     */
    static String partial(String value, int keepFirst, int keepLast) {
        int n = value.length();
        int digits = 0;
        int alnum = 0;
        int at = -1;
        boolean cardLike = true;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c >= 0x80) {
                return partialUnicode(value, keepFirst, keepLast);
            }
            if (c >= '0' && c <= '9') {
                digits++;
                alnum++;
            } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
                alnum++;
                cardLike = false;
            } else {
                if (c == '@' && at < 0) {
                    at = i;
                }
                cardLike &= Digits.isSeparator(c);
            }
        }
        // Every character here is ASCII (others went to partialUnicode): build the bytes, which
        // the String takes as they are, rather than chars it would have to compress.
        if (cardLike && digits >= 13 && digits <= PanDetector.MAX_DIGITS) {
            byte[] out = new byte[n];
            int k = 0;
            for (int i = 0; i < n; i++) {
                char c = value.charAt(i);
                if (c >= '0' && c <= '9') {
                    out[i] = (byte) (k < keepFirst || k >= digits - keepLast ? c : '*');
                    k++;
                } else {
                    out[i] = (byte) c;
                }
            }
            return new String(out, StandardCharsets.ISO_8859_1);
        }
        if (at > 0) {
            return (at >= 2 ? value.charAt(0) + "***" : "***") + value.substring(at);
        }
        int keep = alnum >= 2 * keepLast ? keepLast : 0;
        byte[] out = new byte[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (Digits.isAsciiAlnum(c)) {
                out[i] = (byte) (k >= alnum - keep ? c : '*');
                k++;
            } else {
                out[i] = (byte) c;
            }
        }
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    /** {@link #partial} for values with non-ASCII characters, by code point. */
    private static String partialUnicode(String value, int keepFirst, int keepLast) {
        int n = value.length();
        int digits = 0;
        int alnum = 0;
        int at = -1;
        boolean cardLike = true;
        for (int i = 0; i < n; ) {
            int cp = value.codePointAt(i);
            if (Character.isDigit(cp)) {
                digits++;
                alnum++;
            } else if (Character.isLetterOrDigit(cp)) {
                alnum++;
                cardLike = false;
            } else {
                if ((cp == '@' || cp == '\uFF20') && at < 0) {
                    at = i;
                }
                cardLike &= cp < 0x10000 && Digits.isGap((char) cp);
            }
            i += Character.charCount(cp);
        }
        StringBuilder out = new StringBuilder(n);
        if (cardLike && digits >= 13 && digits <= PanDetector.MAX_DIGITS) {
            Digits.appendMaskedDigits(value, 0, n, keepFirst, keepLast, out);
            return out.toString();
        }
        if (at > 0) {
            int firstWidth = Character.charCount(value.codePointAt(0));
            if (value.codePointCount(0, at) >= 2) {
                out.append(value, 0, firstWidth);
            }
            return out.append("***").append(value, at, n).toString();
        }
        appendKeepingLast(value, 0, n, alnum >= 2 * keepLast ? keepLast : 0, out);
        return out.toString();
    }

    /** Appends {@code [from, to)} with every letter or digit but the last {@code keep} replaced by {@code *}. */
    static void appendKeepingLast(CharSequence text, int from, int to, int keep, StringBuilder out) {
        int alnum = 0;
        for (int i = from; i < to; ) {
            int cp = Character.codePointAt(text, i);
            if (Character.isLetterOrDigit(cp)) {
                alnum++;
            }
            i += Character.charCount(cp);
        }
        int k = 0;
        for (int i = from; i < to; ) {
            int cp = Character.codePointAt(text, i);
            int w = Character.charCount(cp);
            if (Character.isLetterOrDigit(cp)) {
                if (k >= alnum - keep) {
                    out.append(text, i, i + w);
                } else {
                    out.append('*');
                }
                k++;
            } else {
                out.append(text, i, i + w);
            }
            i += w;
        }
    }
}

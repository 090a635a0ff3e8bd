package dev.agentguard.core.identity;

/**
 * Quotes a value taken from a token (a header or claim) for an error message. Such values are
 * chosen by whoever made the token, so they are shortened and stripped of control and
 * formatting characters, which could otherwise forge lines in logs and journals.
 */
final class UntrustedText {

    /** Long enough for any issuer URL or key id worth reading, short enough to keep messages readable. */
    static final int MAX_QUOTED = 80;

    private UntrustedText() {
    }

    /** {@code value} in double quotes, at most {@value #MAX_QUOTED} characters, or {@code (none)}. */
    static String quote(String value) {
        if (value == null) {
            return "(none)";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_QUOTED) + 3).append('"');
        int end = Math.min(value.length(), MAX_QUOTED);
        if (end < value.length() && Character.isHighSurrogate(value.charAt(end - 1))) {
            end--; // never cut a character in half
        }
        for (int i = 0; i < end; i++) {
            char c = value.charAt(i);
            out.append(isUnsafe(c) || c == '"' || c == '\\' ? '?' : c);
        }
        if (value.length() > MAX_QUOTED) {
            out.append('…');
        }
        return out.append('"').toString();
    }

    /** Whether {@code value} holds a character that must not reach a log line or journal entry. */
    static boolean hasUnsafeCharacter(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (isUnsafe(value.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isUnsafe(char c) {
        // Control characters split lines; FORMAT characters (bidi overrides, zero-width joiners) disguise text.
        return Character.isISOControl(c) || Character.getType(c) == Character.FORMAT;
    }
}

package dev.agentguard.cli;

/**
 * Makes journal text safe to print on a terminal. Journal text comes from agents, and an agent
 * (or whoever steers it) could plant escape sequences or bidirectional-override characters that
 * rewrite what a reviewer sees; control and format characters are shown as escapes instead.
 */
final class SafeText {
    private SafeText() {
    }

    /** {@code text} with control and invisible format characters escaped ({@code \n}, {@code \u001b}). */
    static String escape(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement = replacement(c);
            if (replacement != null && sb == null) {
                sb = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (sb != null) {
                if (replacement != null) {
                    sb.append(replacement);
                } else {
                    sb.append(c);
                }
            }
        }
        return sb == null ? text : sb.toString();
    }

    /** One table cell: escaped, {@code "-"} when absent, cut to {@code width} with a "..." marker. */
    static String cell(String text, int width) {
        if (text == null || text.isEmpty()) {
            return "-";
        }
        String safe = escape(text);
        if (safe.length() <= width) {
            return safe;
        }
        return safe.substring(0, width - 3) + "...";
    }

    private static String replacement(char c) {
        switch (c) {
            case '\n':
                return "\\n";
            case '\r':
                return "\\r";
            case '\t':
                return "\\t";
            default:
                if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                    return String.format("\\u%04x", (int) c);
                }
                return null;
        }
    }
}

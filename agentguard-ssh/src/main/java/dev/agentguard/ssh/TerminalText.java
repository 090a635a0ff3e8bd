package dev.agentguard.ssh;

/**
 * Output of a command run without a terminal, as a terminal would show it: a line feed not
 * preceded by a carriage return gets one, so that a recording plays as lines rather than a
 * staircase. Keeps whether the last chunk ended in a carriage return. Not thread-safe.
 */
final class TerminalText {

    private boolean afterCarriageReturn;

    String convert(String text) {
        if (text.indexOf('\n') < 0) {
            if (!text.isEmpty()) {
                afterCarriageReturn = text.charAt(text.length() - 1) == '\r';
            }
            return text;
        }
        StringBuilder b = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' && !afterCarriageReturn) {
                b.append('\r');
            }
            b.append(c);
            afterCarriageReturn = c == '\r';
        }
        return b.toString();
    }
}

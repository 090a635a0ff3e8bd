package dev.agentguard.cli;

/**
 * What of a recorded terminal stream reaches the reviewer's terminal during {@code replay}: text,
 * line breaks, tabs and backspaces, and the escape sequences that only draw — colours and text
 * attributes (SGR), cursor movement, erasing. Everything else a host could have written is dropped:
 * operating-system commands (window titles, clipboard writes, hyperlinks), device control strings,
 * private sequences that switch terminal modes, other control and C1 characters, and bidirectional
 * overrides. A recorded session must not be able to act on the terminal of whoever reviews it.
 *
 * <p>Keeps state across calls, so a sequence split between two events is filtered as a whole.
 * Not thread-safe.
 */
final class TerminalFilter {

    /** CSI final bytes that only move the cursor, erase or set attributes. */
    private static final String DRAWING_FINALS = "ABCDEFGHJKfmsu";

    private enum State { TEXT, ESCAPE, CSI, STRING, STRING_ESCAPE }

    private State state = State.TEXT;
    private final StringBuilder csi = new StringBuilder();

    String filter(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (state) {
                case TEXT -> text(c, out);
                case ESCAPE -> {
                    if (c == '[') {
                        state = State.CSI;
                        csi.setLength(0);
                    } else if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_') {
                        state = State.STRING; // OSC, DCS, SOS, PM, APC: dropped up to their terminator
                    } else {
                        state = State.TEXT; // any other escape sequence: dropped
                    }
                }
                case CSI -> {
                    if (c >= 0x40 && c <= 0x7e) {
                        String params = csi.toString();
                        if (DRAWING_FINALS.indexOf(c) >= 0 && params.matches("[0-9;]*")) {
                            out.append('\u001b').append('[').append(params).append(c);
                        }
                        state = State.TEXT;
                    } else if (c >= 0x20 && c <= 0x3f && csi.length() < 64) {
                        csi.append(c);
                    } else {
                        state = State.TEXT; // malformed or over-long: dropped
                    }
                }
                case STRING -> {
                    if (c == 0x07) {
                        state = State.TEXT;
                    } else if (c == 0x1b) {
                        state = State.STRING_ESCAPE;
                    }
                }
                case STRING_ESCAPE -> state = c == '\\' ? State.TEXT : State.STRING;
                default -> state = State.TEXT;
            }
        }
        return out.toString();
    }

    private void text(char c, StringBuilder out) {
        if (c == 0x1b) {
            state = State.ESCAPE;
            return;
        }
        if (c == '\n' || c == '\r' || c == '\t' || c == '\b') {
            out.append(c);
            return;
        }
        if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)) {
            return;
        }
        if ((c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069')) {
            return; // bidirectional overrides and isolates
        }
        out.append(c);
    }
}

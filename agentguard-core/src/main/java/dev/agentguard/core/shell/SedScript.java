package dev.agentguard.core.shell;

/**
 * Reads a sed script far enough to tell whether it can run commands or touch files other than
 * its input: the {@code e}, {@code r}, {@code R}, {@code w} and {@code W} commands and the
 * {@code e} and {@code w} flags of {@code s}. Anything it does not recognise counts as unsafe.
 */
final class SedScript {

    private final String s;
    private final int n;
    private int i;

    private SedScript(String script) {
        this.s = script;
        this.n = script.length();
    }

    /** Whether {@code script} only edits its input stream: no command it cannot read, none that runs or opens files. */
    static boolean isPlain(String script) {
        return new SedScript(script).plain();
    }

    private boolean plain() {
        while (i < n) {
            char c = s.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == ';') {
                i++;
                continue;
            }
            if (c == '#') {
                skipToLineEnd();
                continue;
            }
            if (!address()) {
                return false;
            }
            spaces();
            if (i < n && s.charAt(i) == ',') {
                i++;
                spaces();
                if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '~')) {
                    i++;
                    digits();
                } else if (!address()) {
                    return false;
                }
            }
            spaces();
            while (i < n && s.charAt(i) == '!') {
                i++;
                spaces();
            }
            if (i >= n) {
                return false;
            }
            char cmd = s.charAt(i++);
            switch (cmd) {
                case '{', '}', '=', 'd', 'D', 'g', 'G', 'h', 'H', 'n', 'N', 'p', 'P', 'x', 'z', 'F' -> {
                }
                case 'l', 'L', 'q', 'Q' -> {
                    spaces();
                    digits();
                }
                case ':' -> skipLabel();
                case 'b', 't', 'T' -> {
                    spaces();
                    skipLabel();
                }
                case 'a', 'i', 'c' -> skipText();
                case 's' -> {
                    if (!delimited(2)) {
                        return false;
                    }
                    while (i < n) {
                        char f = s.charAt(i);
                        if ("gpiImM0123456789".indexOf(f) >= 0) {
                            i++;
                        } else if (f == 'e' || f == 'w' || f == 'W') {
                            return false;
                        } else {
                            break;
                        }
                    }
                }
                case 'y' -> {
                    if (!delimited(2)) {
                        return false;
                    }
                }
                case 'v' -> skipLabel();
                default -> {
                    return false; // e, r, R, w, W and anything unknown
                }
            }
        }
        return true;
    }

    /** An optional address: a line number, {@code first~step}, {@code $}, {@code /re/} or {@code \cREc}. */
    private boolean address() {
        if (i >= n) {
            return true;
        }
        char c = s.charAt(i);
        if (c >= '0' && c <= '9') {
            digits();
            if (i < n && s.charAt(i) == '~') {
                i++;
                digits();
            }
            return true;
        }
        if (c == '$') {
            i++;
            return true;
        }
        if (c == '/' || c == '\\') {
            if (c == '\\') {
                i++;
                if (i >= n || s.charAt(i) == '\n' || s.charAt(i) == '\\') {
                    return false;
                }
            }
            char delimiter = s.charAt(i++);
            if (!until(delimiter)) {
                return false;
            }
            while (i < n && (s.charAt(i) == 'I' || s.charAt(i) == 'M')) {
                i++;
            }
        }
        return true;
    }

    /** {@code count} parts each ending with the delimiter at i; backslash escapes the next character. */
    private boolean delimited(int count) {
        if (i >= n) {
            return false;
        }
        char delimiter = s.charAt(i++);
        if (delimiter == '\n' || delimiter == '\\') {
            return false;
        }
        for (int k = 0; k < count; k++) {
            if (!until(delimiter)) {
                return false;
            }
        }
        return true;
    }

    private boolean until(char delimiter) {
        while (i < n) {
            char c = s.charAt(i++);
            if (c == '\\') {
                i++;
            } else if (c == delimiter) {
                return true;
            }
        }
        return false;
    }

    private void skipText() {
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < n) {
                i += 2;
            } else if (c == '\n') {
                return;
            } else {
                i++;
            }
        }
    }

    private void skipLabel() {
        while (i < n && s.charAt(i) != ';' && s.charAt(i) != '\n' && s.charAt(i) != '}') {
            i++;
        }
    }

    private void skipToLineEnd() {
        while (i < n && s.charAt(i) != '\n') {
            i++;
        }
    }

    private void spaces() {
        while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
    }

    private void digits() {
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
    }
}

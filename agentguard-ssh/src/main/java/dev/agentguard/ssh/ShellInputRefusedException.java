package dev.agentguard.ssh;

import java.io.IOException;

/**
 * A shell line was refused before the policy saw it: it holds control characters (line editing,
 * escape sequences, tab completion), or it is not a complete line (an open quote, a trailing
 * backslash, a here-document). Nothing was sent to the host; the refusal is in the audit journal.
 * The message names the problem and its position, never the line.
 */
public class ShellInputRefusedException extends IOException {

    private static final long serialVersionUID = 1L;

    ShellInputRefusedException(String message) {
        super(message);
    }
}

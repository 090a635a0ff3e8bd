package dev.agentguard.core.shell;

/**
 * A command line that cannot be read exactly: an unbalanced quote, an unterminated
 * {@code $(}, a control character, a line over the length or nesting limit. A policy denies such
 * a line (fail closed). The message names the problem and its position, never the text.
 */
public final class ShellSyntaxException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String problem;
    private final int position;

    /**
     * @param problem  what is wrong, without quoting the line
     * @param position the 1-based character position in the line where the problem is
     */
    public ShellSyntaxException(String problem, int position) {
        super(problem + " (at character " + position + ")");
        this.problem = problem;
        this.position = position;
    }

    /** What is wrong, without the position. */
    public String problem() {
        return problem;
    }

    /** The 1-based character position of the problem in the line. */
    public int position() {
        return position;
    }
}

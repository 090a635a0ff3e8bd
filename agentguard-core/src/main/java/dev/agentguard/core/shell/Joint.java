package dev.agentguard.core.shell;

/**
 * How a command is joined to the one before it in its list: {@code a && b} gives {@code b} the
 * joint {@link #AND}. The first command of a line has {@link #FIRST}; the first command inside a
 * sub-shell or group takes the joint of the sub-shell or group ({@code x | (sh)} joins {@code sh}
 * by {@link #PIPE}, since it reads that pipe), and the first command of a substitution or of code
 * passed to another shell starts again with {@link #FIRST}.
 */
public enum Joint {
    /** Nothing before it. */
    FIRST,
    /** {@code ;} */
    SEQUENCE,
    /** a newline */
    NEWLINE,
    /** {@code &}: the command before it runs in the background. */
    BACKGROUND,
    /** {@code &&} */
    AND,
    /** {@code ||} */
    OR,
    /** {@code |}: the command reads the output of the one before it. */
    PIPE,
    /** {@code |&}: as {@link #PIPE}, with the standard error too. */
    PIPE_WITH_STDERR;

    /** Whether the command reads its standard input from the command before it. */
    public boolean pipesInput() {
        return this == PIPE || this == PIPE_WITH_STDERR;
    }
}

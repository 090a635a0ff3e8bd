package dev.agentguard.core.policy;

import java.util.Objects;

/**
 * A policy file could not be read or is not a valid policy. The message is
 * {@code <source>:<line>:<column>: <reason>}, the form editors and CI logs link to.
 */
public class PolicyFileException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final int column;
    private final String reason;

    /**
     * @param source where the policy came from (a file path or a name given by the caller)
     * @param line   1-based line, 0 when unknown
     * @param column 1-based column, 0 when unknown
     * @param reason what is wrong and what to do instead; never a secret value from the file
     */
    public PolicyFileException(String source, int line, int column, String reason) {
        this(source, line, column, reason, null);
    }

    /** As {@link #PolicyFileException(String, int, int, String)}, with the underlying cause. */
    public PolicyFileException(String source, int line, int column, String reason, Throwable cause) {
        super(Objects.requireNonNull(source, "source") + ":" + Math.max(0, line) + ":" + Math.max(0, column) + ": "
                + Objects.requireNonNull(reason, "reason"), cause);
        this.source = source;
        this.line = Math.max(0, line);
        this.column = Math.max(0, column);
        this.reason = reason;
    }

    /** Where the policy came from: a file path or the name the caller gave. */
    public String source() {
        return source;
    }

    /** The 1-based line of the problem, 0 when unknown. */
    public int line() {
        return line;
    }

    /** The 1-based column of the problem, 0 when unknown. */
    public int column() {
        return column;
    }

    /** What is wrong, without the location prefix. */
    public String reason() {
        return reason;
    }
}

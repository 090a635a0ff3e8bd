package dev.agentguard.core.shell;

import java.util.Objects;

/**
 * A redirection of a command: {@code > /etc/x}, {@code 2>&1}, {@code < in}, a here-document.
 *
 * @param kind     what the redirection does
 * @param operator the operator as written: {@code >}, {@code >>}, {@code 2>} is {@code >} with fd 2,
 *                 {@code &>}, {@code >&}, {@code <<}, {@code <<-}, {@code <<<}, …
 * @param fd       the file descriptor written before the operator, or -1 when none was
 * @param target   the file (or descriptor, for {@link Kind#DUPLICATE}); for a here-document its
 *                 body, for a here-string its word
 */
public record Redirection(Kind kind, String operator, int fd, ShellWord target) {

    /** What a redirection does. */
    public enum Kind {
        /** {@code <}: reads a file. */
        INPUT,
        /** {@code >}, {@code >|}, {@code &>}, {@code >&file}: writes a file, truncating it. */
        OUTPUT,
        /** {@code >>}, {@code &>>}: appends to a file. */
        APPEND,
        /** {@code <>}: opens a file for reading and writing. */
        INPUT_OUTPUT,
        /** {@code 2>&1}, {@code <&0}, {@code >&-}: copies or closes a descriptor; touches no file. */
        DUPLICATE,
        /** {@code <<} or {@code <<-}: the command reads the here-document's body. */
        HERE_DOCUMENT,
        /** {@code <<<}: the command reads the word. */
        HERE_STRING
    }

    public Redirection {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(target, "target");
        if (fd < -1) {
            throw new IllegalArgumentException("fd must be -1 (none written) or a descriptor number, got " + fd);
        }
    }

    /** Whether it writes the file {@link #target()} names. */
    public boolean writesFile() {
        return kind == Kind.OUTPUT || kind == Kind.APPEND || kind == Kind.INPUT_OUTPUT;
    }

    /** Whether it reads the file {@link #target()} names. */
    public boolean readsFile() {
        return kind == Kind.INPUT || kind == Kind.INPUT_OUTPUT;
    }

    /** Whether it feeds the command text written in the line: a here-document or here-string. */
    public boolean feedsText() {
        return kind == Kind.HERE_DOCUMENT || kind == Kind.HERE_STRING;
    }

    @Override
    public String toString() {
        return "Redirection[" + (fd >= 0 ? fd : "") + operator + " " + target + "]";
    }
}

package dev.agentguard.core.shell;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One word of a command line after quote removal and escape processing: {@code c''at},
 * {@code "cat"} and {@code \cat} are all the word {@code cat}. The parts whose value is only
 * known when the line runs are kept as written ({@code $HOME/x}) and listed in
 * {@code expansions}.
 *
 * <p>{@link #toString()} does not show the text, which may be a password given as an argument;
 * read it through {@link #text()}.
 *
 * @param text        the word's value with quotes removed; expansions as written
 * @param expansions  what makes the value dynamic; empty for a literal word
 * @param globPattern for a word whose only expansion is {@link Expansion#GLOB}: the pattern, with
 *                    quoted {@code * ? [ ] \} escaped by a backslash; otherwise {@code null}
 */
public record ShellWord(String text, Set<Expansion> expansions, String globPattern) {

    public ShellWord {
        Objects.requireNonNull(text, "text");
        expansions = expansions == null || expansions.isEmpty() ? Set.of()
                : Collections.unmodifiableSet(EnumSet.copyOf(expansions));
        if (globPattern != null && !expansions.equals(Set.of(Expansion.GLOB))) {
            throw new IllegalArgumentException("a glob pattern belongs to a word whose only expansion is GLOB");
        }
    }

    /** A word with a fixed value. */
    public static ShellWord literal(String text) {
        return new ShellWord(text, Set.of(), null);
    }

    /** Whether the word's value is only known when the line runs. */
    public boolean isDynamic() {
        return !expansions.isEmpty();
    }

    /** Whether the word's value is fixed: no expansion at all. */
    public boolean isLiteral() {
        return expansions.isEmpty();
    }

    /** Whether the word's only expansion is pathname globbing, so {@link #globPattern()} says what it can match. */
    public boolean isGlobOnly() {
        return globPattern != null;
    }

    /** Whether the word makes the shell evaluate a value as code ({@link Expansion#EVALUATION}). */
    public boolean evaluates() {
        return expansions.contains(Expansion.EVALUATION);
    }

    @Override
    public String toString() {
        // The text may be a secret given as an argument (mysql -pSECRET); show only its shape.
        return "ShellWord[" + text.length() + " characters" + (isDynamic() ? ", dynamic " + expansions : "") + "]";
    }
}

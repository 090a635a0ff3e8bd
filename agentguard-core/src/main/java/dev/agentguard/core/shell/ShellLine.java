package dev.agentguard.core.shell;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A shell command line as a policy sees it: every simple command it would run, in the order they
 * appear, nested ones included (see {@link Origin}). Build one with {@link #parse(String)}.
 *
 * <p>The parser reads the POSIX shell language with the bash extensions agents type:
 * {@code ;}, {@code &&}, {@code ||}, {@code |}, {@code |&}, {@code &} and newlines; quotes and
 * escapes; redirections with descriptors, here-documents and here-strings; {@code $( … )},
 * backquotes, {@code <( … )} and {@code >( … )}; sub-shells and groups; {@code if}, {@code while},
 * {@code until}, {@code for}, {@code select}, {@code case}, functions, {@code [[ … ]]} and
 * {@code (( … ))}. It then unwraps well-known wrappers ({@code sudo}, {@code env}, {@code nice},
 * {@code timeout}, {@code xargs}, {@code find -exec}, …) and parses code passed to shells as text
 * ({@code sh -c}, {@code eval}, {@code ssh host cmd}, a here-document into {@code bash}), so the
 * commands they run are listed too.
 *
 * <p>{@link #toString()} names programs only, never arguments.
 *
 * @param commands at least one command
 */
public record ShellLine(List<ShellCommand> commands) {

    /** The longest line accepted, in characters. */
    public static final int MAX_LENGTH = 65_536;

    /** The deepest nesting accepted: substitutions, sub-shells, groups, compound commands and code in code. */
    public static final int MAX_DEPTH = 32;

    /** The most simple commands one line may hold, nested ones included. */
    public static final int MAX_COMMANDS = 1_000;

    public ShellLine {
        commands = List.copyOf(Objects.requireNonNull(commands, "commands"));
        if (commands.isEmpty()) {
            throw new IllegalArgumentException("a shell line has at least one command");
        }
    }

    /**
     * Parses one command line, as a shell would read it.
     *
     * @throws ShellSyntaxException when the line cannot be read exactly: unbalanced quotes, an
     *                              unterminated substitution, group or here-document, a control
     *                              character other than tab and newline, a line that holds no
     *                              command, or a line over {@link #MAX_LENGTH}, {@link #MAX_DEPTH}
     *                              or {@link #MAX_COMMANDS}. The message never quotes the line
     */
    public static ShellLine parse(String text) throws ShellSyntaxException {
        Objects.requireNonNull(text, "text");
        if (text.length() > MAX_LENGTH) {
            throw new ShellSyntaxException("the line is longer than " + MAX_LENGTH + " characters", MAX_LENGTH + 1);
        }
        ShellParser.checkCharacters(text);
        ShellParser.Session session = new ShellParser.Session();
        new ShellParser(text, 0, -1, session).parseAll(Origin.LINE, 0);
        List<ShellCommand> commands = new CommandAnalysis(session).run();
        if (commands.isEmpty()) {
            throw new ShellSyntaxException("the line holds no command", 1);
        }
        return new ShellLine(commands);
    }

    /**
     * Whether some command may change the working directory ({@code cd}, {@code pushd},
     * {@code popd}, or a program only known when the line runs) or runs a command in another one
     * ({@code sudo -D}, {@code env -C}, {@code su -}, {@code find -execdir}, {@code ssh}; see
     * {@link ShellCommand#runsElsewhere()}): relative paths in the line are then relative to a
     * directory the policy does not know.
     */
    public boolean changesDirectory() {
        for (ShellCommand c : commands) {
            if (c.runsUnknownProgram() || c.runsElsewhere()) {
                return true;
            }
            String name = c.programName();
            if ("cd".equals(name) || "pushd".equals(name) || "popd".equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** The names of the programs the line runs, in order of first appearance; dynamic ones are left out. */
    public Set<String> programNames() {
        Set<String> out = new LinkedHashSet<>();
        for (ShellCommand c : commands) {
            String name = c.programName();
            if (name != null) {
                out.add(name);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "ShellLine[" + commands.size() + (commands.size() == 1 ? " command: " : " commands: ")
                + String.join(", ", programNames()) + "]";
    }
}

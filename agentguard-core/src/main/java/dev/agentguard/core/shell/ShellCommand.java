package dev.agentguard.core.shell;

import java.util.List;
import java.util.Objects;

/**
 * One simple command of a line, wherever it was found: a program and its arguments, the
 * assignments before it and its redirections. Compound commands ({@code if}, {@code for},
 * {@code case}, a function definition, {@code [[ … ]]}) appear as a command whose program is the
 * reserved word, followed by the commands of their bodies; redirections written after a compound
 * command, a sub-shell or a group are listed on every command inside it, whose descriptors they
 * are.
 *
 * <p>{@link #toString()} shows the program and the counts, not the arguments, which may hold
 * secrets.
 *
 * @param program      the program as the shell sees it, or {@code null} when the command only
 *                     assigns variables or redirects
 * @param arguments    the words after the program
 * @param assignments  {@code NAME=value} words before the program
 * @param redirections the command's redirections, its own and those of the compound commands around it
 * @param joint        how it is joined to the command before it
 * @param origin       where in the line it was found
 * @param depth        how deeply it is nested: 0 for a command of the line itself
 * @param wrappers     the programs that run it, outermost first ({@code sudo env cat} gives
 *                     {@code cat} the wrappers {@code [sudo, env]}); empty for most commands
 * @param opaqueReason why the command runs code a policy cannot check (an interpreter, a wrapper,
 *                     {@code eval}, a compound command, a command that changes the shell for later
 *                     lines, …), or {@code null}. Only an allow rule that names an opaque program
 *                     exactly allows it
 */
public record ShellCommand(ShellWord program, List<ShellWord> arguments, List<Assignment> assignments,
                           List<Redirection> redirections, Joint joint, Origin origin, int depth,
                           List<String> wrappers, String opaqueReason) {

    public ShellCommand {
        arguments = List.copyOf(arguments);
        assignments = List.copyOf(assignments);
        redirections = List.copyOf(redirections);
        Objects.requireNonNull(joint, "joint");
        Objects.requireNonNull(origin, "origin");
        wrappers = List.copyOf(wrappers);
        if (depth < 0) {
            throw new IllegalArgumentException("depth must be 0 or more, got " + depth);
        }
        if (program == null && !arguments.isEmpty()) {
            throw new IllegalArgumentException("a command without a program has no arguments");
        }
    }

    /** Whether the command runs code a policy cannot check; see {@link #opaqueReason()}. */
    public boolean isOpaque() {
        return opaqueReason != null;
    }

    /**
     * Whether what the command runs is only known when the line runs: its program word is dynamic
     * ({@code $(echo rm)}, {@code $'\x63at'}, {@code !!}), or it assigns a variable that changes
     * which program runs or what it loads ({@code PATH}, {@code LD_PRELOAD}; see
     * {@link Assignment#EXECUTION_VARIABLES}). No allow rule matches such a command.
     */
    public boolean runsUnknownProgram() {
        if (program != null && program.isDynamic()) {
            return true;
        }
        for (Assignment a : assignments) {
            if (a.changesExecution()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The program's name as a search in {@code PATH} or a path's last part would find it:
     * {@code cat} for {@code cat}, {@code /bin/cat} and {@code ./cat}; {@code null} when the
     * command has no program or its program is dynamic.
     */
    public String programName() {
        if (program == null || program.isDynamic()) {
            return null;
        }
        return baseName(program.text());
    }

    /**
     * Whether the command only assigns ordinary variables: no program, no redirection, nothing
     * evaluated. The commands of a substitution in a value ({@code X=$(date)}) are commands of
     * the line in their own right.
     */
    public boolean isInert() {
        if (program != null || !redirections.isEmpty() || opaqueReason != null) {
            return false;
        }
        for (Assignment a : assignments) {
            if (a.changesExecution() || a.evaluates()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The index in {@link #arguments()} of the option after which the program reads relative paths
     * from a directory the option names ({@code tar -C /etc}, {@code git -C}, {@code make -C},
     * {@code patch -d}, {@code --directory=}), or -1. The arguments after it are relative to a
     * directory the policy does not know.
     */
    public int directoryOptionAt() {
        return PathOptions.directoryOptionAt(programName(), arguments);
    }

    /**
     * Whether the program reads the directories it names with everything under them: always
     * ({@code tar}, {@code zip}, {@code rsync}, {@code find}, {@code rg}, {@code mv}) or with a
     * recursive option ({@code grep -r}, {@code cp -r}, {@code cp -a}, {@code scp -r},
     * {@code rm -r}, {@code chmod -R}, …).
     */
    public boolean readsRecursively() {
        return PathOptions.readsRecursively(programName(), arguments);
    }

    /**
     * Whether the commands this one runs start in another directory: {@code sudo -D},
     * {@code sudo -i}, {@code env -C}, {@code su -}, {@code find -execdir}, {@code ssh host cmd}.
     */
    public boolean runsElsewhere() {
        return PathOptions.runsElsewhere(programName(), arguments);
    }

    /** The last part of a path: {@code cat} for {@code /usr/bin/cat}; the text itself when it has no {@code /}. */
    static String baseName(String path) {
        String p = path;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        int slash = p.lastIndexOf('/');
        return slash < 0 ? p : p.substring(slash + 1);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("ShellCommand[");
        if (program == null) {
            b.append("no program");
        } else if (program.isDynamic()) {
            b.append("dynamic program");
        } else {
            b.append("program ").append(programName());
        }
        b.append(", ").append(arguments.size()).append(arguments.size() == 1 ? " argument" : " arguments");
        if (!assignments.isEmpty()) {
            b.append(", ").append(assignments.size()).append(" assignments");
        }
        if (!redirections.isEmpty()) {
            b.append(", ").append(redirections.size()).append(" redirections");
        }
        b.append(", ").append(joint).append(", ").append(origin).append(" depth ").append(depth);
        if (!wrappers.isEmpty()) {
            b.append(", wrapped by ").append(wrappers);
        }
        if (opaqueReason != null) {
            b.append(", opaque: ").append(opaqueReason);
        }
        return b.append(']').toString();
    }
}

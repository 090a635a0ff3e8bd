package dev.agentguard.core.policy;

import dev.agentguard.core.shell.Expansion;
import dev.agentguard.core.shell.Redirection;
import dev.agentguard.core.shell.ShellCommand;
import dev.agentguard.core.shell.ShellWord;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What ssh conditions look at in one command, worked out once per decision: how its program is
 * named, what each argument is (an option, a plain word, a path) and where the files it names and
 * writes are.
 */
final class ShellCommandFacts {

    /** Directories whose programs an allow rule's program name covers. */
    static final Set<String> STANDARD_DIRECTORIES = Set.of("/bin", "/usr/bin", "/sbin", "/usr/sbin",
            "/usr/local/bin", "/usr/local/sbin");

    /** What an argument is to the policy. */
    enum Role {
        /** {@code -x}, {@code --name=value}: matched by {@code arguments}; a path inside it by {@code paths}. */
        OPTION,
        /** A word without {@code /}: matched by {@code arguments}, else it is a file in the working directory. */
        PLAIN,
        /** A path, a glob, or a word only known when the line runs. */
        PATH
    }

    /** One argument, its role and the files it may name. */
    record Argument(ShellWord word, Role role, List<PathLocation> locations) {
    }

    final ShellCommand command;
    final boolean unknownProgram;
    final boolean opaque;
    final boolean inert;
    /** The program's name (last path segment), or null when there is no program or it is unknown. */
    final String name;
    /** Whether the program is written as a name, found through PATH. */
    final boolean byName;
    /** The program's absolute path as segments when written as one (without '..'), else null. */
    final List<String> programPath;
    final boolean standardDirectory;
    final List<Argument> arguments;
    final List<PathLocation> reads;
    final List<PathLocation> writes;

    ShellCommandFacts(ShellCommand c, String directory) {
        this.command = c;
        this.unknownProgram = c.runsUnknownProgram();
        this.opaque = c.isOpaque();
        this.inert = c.isInert();
        this.name = unknownProgram ? null : c.programName();
        String program = c.program() == null || c.program().isDynamic() ? null : c.program().text();
        this.byName = program != null && program.indexOf('/') < 0;
        List<String> path = null;
        boolean standard = false;
        if (program != null && program.startsWith("/")) {
            PathLocation l = PathLocation.ofText(program, null);
            if (l.kind() == PathLocation.Kind.EXACT && !l.segments().isEmpty()) {
                path = l.segments();
                standard = STANDARD_DIRECTORIES.contains("/" + String.join("/", path.subList(0, path.size() - 1)));
            }
        }
        this.programPath = path;
        this.standardDirectory = standard;

        List<Argument> args = new ArrayList<>(c.arguments().size());
        boolean options = true;
        for (ShellWord w : c.arguments()) {
            args.add(argument(w, options, directory));
            if (options && w.isLiteral() && w.text().equals("--")) {
                options = false;
            }
        }
        this.arguments = List.copyOf(args);
        List<PathLocation> r = new ArrayList<>();
        List<PathLocation> wr = new ArrayList<>();
        for (Redirection x : c.redirections()) {
            if (x.readsFile()) {
                r.add(PathLocation.of(x.target(), directory));
            }
            if (x.writesFile()) {
                wr.add(PathLocation.of(x.target(), directory));
            }
        }
        this.reads = List.copyOf(r);
        this.writes = List.copyOf(wr);
    }

    private static Argument argument(ShellWord w, boolean options, String directory) {
        String t = w.text();
        if (w.isDynamic()) {
            if (w.isGlobOnly() || w.expansions().equals(Set.of(Expansion.TILDE))) {
                return new Argument(w, Role.PATH, List.of(PathLocation.of(w, directory)));
            }
            return new Argument(w, Role.PATH, List.of(PathLocation.UNKNOWN));
        }
        if (options && t.length() > 1 && t.startsWith("-")) {
            return new Argument(w, Role.OPTION, embedded(t, directory));
        }
        if (t.indexOf('/') >= 0 || t.equals(".") || t.equals("..")) {
            int slash = t.indexOf('/');
            String head = slash < 0 ? "" : t.substring(0, slash);
            if (head.indexOf('=') >= 0 || head.indexOf(':') >= 0) {
                // if=/etc/shadow (dd), host:/etc/shadow (scp): the path starts at the first '/'.
                return new Argument(w, Role.PATH, List.of(PathLocation.ofText(t.substring(slash), directory)));
            }
            return new Argument(w, Role.PATH, List.of(PathLocation.ofText(t, directory)));
        }
        return new Argument(w, Role.PLAIN, List.of(PathLocation.ofText(t, directory)));
    }

    /** The path an option carries: {@code --file=/etc/x}, {@code --file=dir/x}, {@code -f/etc/x}. */
    private static List<PathLocation> embedded(String option, String directory) {
        int eq = option.indexOf('=');
        if (eq >= 0) {
            String value = option.substring(eq + 1);
            if (value.indexOf('/') >= 0 || value.startsWith("~")) {
                return List.of(value.startsWith("~") ? PathLocation.UNKNOWN : PathLocation.ofText(value, directory));
            }
            return List.of();
        }
        int slash = option.indexOf('/');
        return slash < 0 ? List.of() : List.of(PathLocation.ofText(option.substring(slash), directory));
    }

    /** Whether every file it writes is harmless ({@code /dev/null}, …). */
    boolean writesNoFile() {
        for (PathLocation l : writes) {
            if (!l.harmlessToWrite()) {
                return false;
            }
        }
        return true;
    }
}

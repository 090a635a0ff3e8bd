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

    /**
     * One argument, its role and the files it may name.
     *
     * @param locations   the files it names, for deny and allow rules alike
     * @param mayAlsoName files it may name besides, which only deny rules look at: a name after a
     *                    separator ({@code key=shadow}, {@code @shadow}) or an option's value
     *                    ({@code --file=shadow}), which is a file in the working directory only to
     *                    some programs
     */
    record Argument(ShellWord word, Role role, List<PathLocation> locations, List<PathLocation> mayAlsoName) {
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
    /** Whether the program reads the directories its arguments name with everything under them. */
    final boolean recursive;
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
        // After tar -C, git -C, make -C …, relative paths are relative to a directory the option names.
        int directoryOption = c.program() == null ? -1 : c.directoryOptionAt();
        for (int i = 0; i < c.arguments().size(); i++) {
            ShellWord w = c.arguments().get(i);
            args.add(argument(w, options, directoryOption >= 0 && i > directoryOption ? null : directory));
            if (options && w.isLiteral() && w.text().equals("--")) {
                options = false;
            }
        }
        this.arguments = List.copyOf(args);
        this.recursive = c.program() != null && !unknownProgram && c.readsRecursively();
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
                return new Argument(w, Role.PATH, List.of(PathLocation.of(w, directory)), List.of());
            }
            return new Argument(w, Role.PATH, List.of(PathLocation.UNKNOWN), List.of());
        }
        List<PathLocation> named = new ArrayList<>(2);
        List<PathLocation> mayAlsoName = new ArrayList<>(0);
        if (options && t.length() > 1 && t.startsWith("-")) {
            named.addAll(embedded(t, directory));
            int eq = t.indexOf('=');
            String value = t.startsWith("--") ? (eq < 0 ? "" : t.substring(eq + 1)) : t.substring(2);
            if (eq >= 0 && t.startsWith("--") && !value.isEmpty() && value.indexOf('/') < 0 && !value.startsWith("~")) {
                mayAlsoName.add(PathLocation.ofText(value, directory)); // --file=shadow
            }
            separated(value, directory, named, mayAlsoName);
            return new Argument(w, Role.OPTION, named, mayAlsoName);
        }
        boolean path = t.indexOf('/') >= 0 || t.equals(".") || t.equals("..");
        if (path) {
            int slash = t.indexOf('/');
            String head = t.substring(0, slash < 0 ? 0 : slash);
            // if=/etc/shadow (dd), host:/etc/shadow (scp): the path starts at the first '/'.
            boolean prefixed = head.indexOf('=') >= 0 || head.indexOf(':') >= 0;
            named.add(PathLocation.ofText(prefixed ? t.substring(slash) : t, directory));
        } else {
            named.add(PathLocation.ofText(t, directory));
        }
        separated(t, directory, named, mayAlsoName);
        return new Argument(w, path ? Role.PATH : Role.PLAIN, named, mayAlsoName);
    }

    /**
     * Characters after which a program may read a file name: {@code @file} and {@code name=<file}
     * (curl), {@code if=file}, {@code host:file}, quoted or listed names.
     */
    private static final String SEPARATORS = "=:@<;,\"'?#";

    /**
     * The files a word may name after a separator: {@code @/etc/shadow} and
     * {@code name=@"/etc/shadow";type=x} (curl), {@code if=shadow} (dd), {@code host:/etc/shadow}
     * (scp), and the path of a URL ({@code file://localhost/etc/shadow}, percent-escapes decoded).
     * A part with a {@code /} is a path for every rule; a part without one is a file in the
     * working directory only to some programs, so only deny rules look at it.
     */
    private static void separated(String text, String directory, List<PathLocation> named,
                                  List<PathLocation> mayAlsoName) {
        int scheme = text.indexOf("://");
        if (scheme >= 0) {
            int slash = text.indexOf('/', scheme + 3);
            if (slash >= 0) {
                String urlPath = text.substring(slash);
                named.add(PathLocation.ofText(urlPath, directory));
                String decoded = percentDecoded(urlPath);
                if (!decoded.equals(urlPath)) {
                    named.add(PathLocation.ofText(decoded, directory));
                }
            }
        }
        int start = 0;
        boolean any = false;
        for (int i = 0; i <= text.length(); i++) {
            if (i < text.length() && SEPARATORS.indexOf(text.charAt(i)) < 0) {
                continue;
            }
            if (i < text.length()) {
                any = true;
            }
            if (any && i > start) {
                String part = text.substring(start, i);
                if (part.indexOf('/') >= 0) {
                    named.add(PathLocation.ofText(part, directory));
                } else if (!part.startsWith("~")) {
                    mayAlsoName.add(PathLocation.ofText(part, directory));
                }
            }
            start = i + 1;
        }
    }

    /** {@code %2f} and the like decoded, as curl decodes a {@code file:} URL's path; malformed escapes kept. */
    private static String percentDecoded(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
        byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int hi = i + 2 < bytes.length ? Character.digit(bytes[i + 1], 16) : -1;
            int lo = i + 2 < bytes.length ? Character.digit(bytes[i + 2], 16) : -1;
            if (bytes[i] == '%' && hi >= 0 && lo >= 0) {
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
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

package dev.agentguard.core.policy;

import dev.agentguard.core.shell.Expansion;
import dev.agentguard.core.shell.ShellWord;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Where a word of a command line (or an SFTP path) points, as far as the policy can tell:
 * <ul>
 *   <li>{@link Kind#EXACT}: a known absolute path, lexically normalised ({@code /etc/./shadow} and
 *       {@code //etc/shadow} are {@code /etc/shadow}; {@code /proc/self/root/etc/shadow} too);</li>
 *   <li>{@link Kind#UNDER_UNKNOWN}: known last segments under a directory nobody knows — a relative
 *       path when the working directory is unknown, what follows a {@code ..} (which a symbolic
 *       link can send anywhere), what follows {@code ~/};</li>
 *   <li>{@link Kind#GLOB}: an absolute shell glob ({@code /var/log/app/*.log});</li>
 *   <li>{@link Kind#UNKNOWN}: a word only known when the line runs.</li>
 * </ul>
 * Deny rules ask {@link #mayBeUnder} (any doubt is a match); allow rules ask {@link #within}
 * (only a known path or a glob the pattern surely covers is within).
 *
 * @param kind     how much is known
 * @param segments the path's segments (for a glob, with the shell's escapes)
 */
record PathLocation(Kind kind, List<String> segments) {

    enum Kind { EXACT, UNDER_UNKNOWN, GLOB, UNKNOWN }

    static final PathLocation UNKNOWN = new PathLocation(Kind.UNKNOWN, List.of());

    /** Any file at all: a known path nobody can say more of (another process's open file). */
    private static final PathLocation ANY_FILE = new PathLocation(Kind.UNDER_UNKNOWN, List.of());

    /** {@code /dev/stdin} and the like: links to the command's descriptors, which may be directories. */
    private static final Set<String> STANDARD_STREAMS = Set.of("stdin", "stdout", "stderr");

    /** Writing these touches no file: the descriptors the command already has. */
    private static final Set<String> HARMLESS_WRITES = Set.of("/dev/null", "/dev/stdout", "/dev/stderr", "/dev/fd/1",
            "/dev/fd/2", "/dev/tty");

    PathLocation {
        segments = List.copyOf(segments);
    }

    /** The location of a word, relative paths resolved against {@code directory} when it is known. */
    static PathLocation of(ShellWord word, String directory) {
        if (word.isLiteral()) {
            return ofText(word.text(), directory);
        }
        if (word.isGlobOnly()) {
            return ofGlob(word.globPattern(), directory);
        }
        if (word.expansions().equals(Set.of(Expansion.TILDE))) {
            // ~/x or ~user/x: a home directory nobody here knows, then known segments.
            String t = word.text();
            int slash = t.indexOf('/');
            return slash < 0 ? UNKNOWN : underUnknown(t.substring(slash + 1));
        }
        return UNKNOWN;
    }

    /** The location of a literal path. */
    static PathLocation ofText(String text, String directory) {
        if (text.startsWith("/")) {
            return absolute(split(text));
        }
        if (directory != null) {
            return absolute(split(directory + "/" + text));
        }
        return underUnknown(text);
    }

    private static PathLocation underUnknown(String relative) {
        List<String> segments = split(relative);
        int dotDot = segments.lastIndexOf("..");
        return inexact(segments.subList(dotDot + 1, segments.size()));
    }

    /**
     * An absolute path. Lexical normalisation is not enough where the kernel itself links
     * elsewhere: {@code /proc/<pid>/root} and {@code /proc/<pid>/task/<tid>/root} are a process's
     * root directory (the root again), {@code …/cwd} its working directory, {@code …/fd/<n>} and
     * {@code /dev/fd/<n>} (also {@code /dev/stdin}) an open file or directory, {@code …/exe} and
     * {@code …/map_files/…} a program or mapped file. What they lead to is read in the direction
     * that fails closed.
     */
    private static PathLocation absolute(List<String> segments) {
        int dotDot = segments.lastIndexOf("..");
        if (dotDot >= 0) {
            return inexact(segments.subList(dotDot + 1, segments.size()));
        }
        while (segments.size() >= 3 && segments.get(0).equals("proc")) {
            int entry = processEntry(segments, 0);
            if (entry >= segments.size() || !segments.get(entry).equals("root")) {
                break;
            }
            segments = segments.subList(entry + 1, segments.size()); // a process's root is the root again
        }
        int size = segments.size();
        if (size >= 4 && segments.get(0).equals("dev") && segments.get(1).equals("fd")) {
            return inexact(segments.subList(3, size)); // through a directory the command has open
        }
        if (size >= 3 && segments.get(0).equals("dev") && STANDARD_STREAMS.contains(segments.get(1))) {
            return inexact(segments.subList(2, size));
        }
        // The proc file system, here or mounted elsewhere (a chroot's or a container's /proc).
        for (int i = 0; i + 2 < size; i++) {
            if (!segments.get(i).equals("proc")) {
                continue;
            }
            int entry = processEntry(segments, i);
            if (entry >= size) {
                continue;
            }
            String name = segments.get(entry);
            List<String> rest = segments.subList(entry + 1, size);
            switch (name) {
                case "root" -> {
                    return inexact(segments.subList(i + 1, size)); // the root of a mount elsewhere, or a path
                }
                case "cwd" -> {
                    return inexact(rest);
                }
                case "exe" -> {
                    return ANY_FILE;
                }
                case "fd", "map_files" -> {
                    if (rest.size() > 1) {
                        return inexact(rest.subList(1, rest.size())); // through a directory it has open
                    }
                    String process = segments.get(i + 1);
                    boolean own = i == 0 && name.equals("fd")
                            && (process.equals("self") || process.equals("thread-self"));
                    if (rest.size() == 1 && !own) {
                        return ANY_FILE; // another process's open or mapped file
                    }
                }
                default -> {
                }
            }
        }
        return new PathLocation(Kind.EXACT, segments);
    }

    /** The index of the entry after {@code proc/<pid>} or {@code proc/<pid>/task/<tid>}, the {@code proc} segment at {@code proc}. */
    private static int processEntry(List<String> segments, int proc) {
        int entry = proc + 2;
        if (entry + 2 < segments.size() && segments.get(entry).equals("task")) {
            entry += 2;
        }
        return entry;
    }

    /**
     * Known last segments under a directory nobody knows. That directory may be a process's
     * directory in {@code /proc}, so what follows a {@code root} segment may start at the root, and
     * what follows {@code cwd}, an open descriptor ({@code fd/<n>}) or a standard stream may lie
     * anywhere: only the segments after the last of these are kept, which may lie under any
     * directory. A descriptor or mapped file ({@code fd/<n>}, {@code map_files/<x>}) at the end may
     * be any file.
     */
    private static PathLocation inexact(List<String> tail) {
        int start = 0;
        int n = tail.size();
        for (int i = 0; i < n; i++) {
            String s = tail.get(i);
            if (s.equals("root") || s.equals("cwd") || STANDARD_STREAMS.contains(s)) {
                if (i + 1 < n) {
                    start = i + 1;
                }
            } else if ((s.equals("fd") || s.equals("map_files")) && i + 1 < n) {
                if (i + 2 == n) {
                    return ANY_FILE;
                }
                start = i + 2;
            }
        }
        return new PathLocation(Kind.UNDER_UNKNOWN, tail.subList(start, n));
    }

    private static PathLocation ofGlob(String pattern, String directory) {
        List<String> segments;
        if (pattern.startsWith("/")) {
            segments = split(pattern);
        } else if (directory != null) {
            segments = new ArrayList<>();
            for (String s : split(directory)) {
                segments.add(escape(s));
            }
            segments.addAll(split(pattern));
        } else {
            return UNKNOWN;
        }
        if (segments.contains("..")) {
            return UNKNOWN;
        }
        if (!segments.isEmpty() && (PathGlob.shellGlobMatches(segments.get(0), "proc", false)
                && !segments.get(0).isEmpty())) {
            return UNKNOWN; // /proc/*/root/… can be any path
        }
        if (mayLeadElsewhere(segments)) {
            return UNKNOWN;
        }
        return new PathLocation(Kind.GLOB, segments);
    }

    /** Whether some expansion of a shell glob may pass through a link of {@code /proc} or {@code /dev/fd}. */
    private static boolean mayLeadElsewhere(List<String> glob) {
        int n = glob.size();
        if (n >= 3 && PathGlob.shellGlobMatches(glob.get(0), "dev", false)) {
            for (String link : List.of("fd", "stdin", "stdout", "stderr")) {
                if (PathGlob.shellGlobMatches(glob.get(1), link, false)) {
                    return true;
                }
            }
        }
        for (int i = 0; i + 2 < n; i++) {
            if (!PathGlob.shellGlobMatches(glob.get(i), "proc", false)) {
                continue;
            }
            for (int entry : new int[] {i + 2, i + 4}) {
                if (entry < n && (entry == i + 2 || PathGlob.shellGlobMatches(glob.get(i + 2), "task", false))) {
                    for (String link : List.of("root", "cwd", "fd", "map_files", "exe")) {
                        if (PathGlob.shellGlobMatches(glob.get(entry), link, false)) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    /** For deny rules: whether the location may lie where {@code glob} says. Any doubt is a yes. */
    boolean mayBeUnder(PathGlob glob, boolean ignoreCase) {
        return switch (kind) {
            case EXACT -> glob.matches(segments, ignoreCase);
            case UNDER_UNKNOWN -> glob.mayMatchUnder(segments, ignoreCase);
            case GLOB -> glob.mayOverlap(segments, ignoreCase);
            case UNKNOWN -> true;
        };
    }

    /** For allow rules: whether the location surely lies where {@code glob} says. */
    boolean within(PathGlob glob) {
        return switch (kind) {
            case EXACT -> glob.matches(segments, false);
            case GLOB -> glob.covers(segments);
            default -> false;
        };
    }

    /**
     * For deny rules, when the command reads the directories it names with everything under them
     * ({@code grep -r}, {@code tar}, {@code cp -r}): whether the location may be, or may hold,
     * something {@code glob} matches. Any doubt is a yes.
     */
    boolean mayHold(PathGlob glob, boolean ignoreCase) {
        return switch (kind) {
            case EXACT -> glob.mayMatchBelow(segments, ignoreCase, false);
            case UNDER_UNKNOWN -> endsInLink() || glob.mayMatchBelow(segments, ignoreCase, true);
            case GLOB -> glob.mayOverlapBelow(segments, ignoreCase);
            case UNKNOWN -> true;
        };
    }

    /**
     * For allow rules, when the command reads the directories it names with everything under them:
     * whether the location and everything under it surely lie where {@code glob} says.
     */
    boolean wholeTreeWithin(PathGlob glob) {
        List<String> tree = new ArrayList<>(segments.size() + 1);
        switch (kind) {
            case EXACT -> {
                for (String s : segments) {
                    tree.add(escape(s));
                }
            }
            case GLOB -> tree.addAll(segments);
            default -> {
                return false;
            }
        }
        tree.add("**");
        return glob.covers(tree);
    }

    /** Whether a path under an unknown directory ends in a link that may lead to the root ({@code root}, {@code cwd}). */
    private boolean endsInLink() {
        if (segments.isEmpty()) {
            return true;
        }
        String last = segments.get(segments.size() - 1);
        return last.equals("root") || last.equals("cwd");
    }

    /** Whether writing here touches no file ({@code /dev/null}, {@code /dev/stderr}, …). */
    boolean harmlessToWrite() {
        return kind == Kind.EXACT && HARMLESS_WRITES.contains("/" + String.join("/", segments));
    }

    /** Segments without empty and {@code .} ones; {@code ..} is kept. */
    private static List<String> split(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty() && !s.equals(".")) {
                out.add(s);
            }
        }
        return out;
    }

    private static String escape(String segment) {
        StringBuilder b = new StringBuilder(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }
}

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
        return new PathLocation(Kind.UNDER_UNKNOWN, segments.subList(dotDot + 1, segments.size()));
    }

    private static PathLocation absolute(List<String> segments) {
        int dotDot = segments.lastIndexOf("..");
        if (dotDot >= 0) {
            return new PathLocation(Kind.UNDER_UNKNOWN, segments.subList(dotDot + 1, segments.size()));
        }
        // /proc/<pid>/root is the root again, /proc/<pid>/cwd some process's working directory.
        while (segments.size() >= 3 && segments.get(0).equals("proc")) {
            if (segments.get(2).equals("root")) {
                segments = segments.subList(3, segments.size());
            } else if (segments.get(2).equals("cwd")) {
                return new PathLocation(Kind.UNDER_UNKNOWN, segments.subList(3, segments.size()));
            } else {
                break;
            }
        }
        return new PathLocation(Kind.EXACT, segments);
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
        return new PathLocation(Kind.GLOB, segments);
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

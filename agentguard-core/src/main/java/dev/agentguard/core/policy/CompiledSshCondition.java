package dev.agentguard.core.policy;

import dev.agentguard.core.action.SftpOperation;
import dev.agentguard.core.action.SshAction;
import dev.agentguard.core.shell.ShellWord;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * An {@link SshCondition} compiled at policy build. Two readings, as {@link SshCondition}
 * documents: {@code touches…} for deny and require-approval rules (any overlap; anything unknown
 * matches), {@code confines…} for allow rules (everything within; anything unknown is outside).
 * Deny readings compare case-insensitively (a case-insensitive file system must not let
 * {@code /ETC/SHADOW} past), allow readings case-sensitively.
 */
final class CompiledSshCondition {

    private final SegmentGlob[] hosts;
    private final NamePattern[] users;
    private final ProgramPattern[] programs;
    private final String[] arguments;
    private final PathGlob[] paths;
    private final PathGlob[] writes;
    private final Set<SftpOperation> sftp;
    private final Boolean opaque;
    private final Boolean interactive;
    private final boolean commandsOnly;

    CompiledSshCondition(SshCondition c) {
        this.hosts = new SegmentGlob[c.hosts().size()];
        for (int i = 0; i < hosts.length; i++) {
            hosts[i] = SegmentGlob.compile(c.hosts().get(i), '.');
        }
        this.users = new NamePattern[c.users().size()];
        for (int i = 0; i < users.length; i++) {
            users[i] = NamePattern.compile("user pattern", c.users().get(i), 1, false);
        }
        this.programs = new ProgramPattern[c.programs().size()];
        for (int i = 0; i < programs.length; i++) {
            programs[i] = new ProgramPattern(c.programs().get(i));
        }
        this.arguments = c.arguments().toArray(new String[0]);
        this.paths = globs(c.paths());
        this.writes = globs(c.writes());
        this.sftp = c.sftp().isEmpty() ? Set.of() : EnumSet.copyOf(c.sftp());
        this.opaque = c.opaque();
        this.interactive = c.interactive();
        this.commandsOnly = c.commandsOnly();
    }

    private static PathGlob[] globs(List<String> patterns) {
        PathGlob[] out = new PathGlob[patterns.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = PathGlob.compile(patterns.get(i));
        }
        return out;
    }

    /** A program pattern: a name (matched against the last path segment) or an absolute path. */
    private static final class ProgramPattern {
        final String text;
        final boolean wildcard;
        final PathGlob path; // null for a name

        ProgramPattern(String text) {
            this.text = text;
            this.wildcard = text.indexOf('*') >= 0 || text.indexOf('?') >= 0;
            this.path = text.startsWith("/") ? PathGlob.compile(text) : null;
        }

        /** Deny reading: the command may run this program, however the line names it. */
        boolean touches(ShellCommandFacts c) {
            if (c.unknownProgram) {
                return true;
            }
            if (c.name == null) {
                return false;
            }
            if (path == null) {
                return PathGlob.globMatches(text, c.name, true);
            }
            if (c.programPath != null) {
                return path.matches(c.programPath, true);
            }
            // Found by name, or by a relative path or one with '..': it may be this program.
            return path.lastSegmentMatches(c.name, true);
        }

        /** Allow reading: the command surely runs this program. */
        boolean allows(ShellCommandFacts c) {
            if (c.unknownProgram || c.name == null) {
                return false;
            }
            if (path == null) {
                return (c.byName || c.standardDirectory) && PathGlob.globMatches(text, c.name, false);
            }
            return c.programPath != null && path.matches(c.programPath, false);
        }
    }

    // ---------------------------------------------------------------- target

    private boolean target(SshAction a, boolean denyReading) {
        if (interactive != null && interactive != a.interactive()) {
            return false;
        }
        if (hosts.length > 0) {
            boolean any = false;
            for (SegmentGlob h : hosts) {
                if (h.matches(a.host())) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                return false;
            }
        }
        if (users.length > 0) {
            if (a.user() == null) {
                return denyReading; // an unknown user may be any user
            }
            for (NamePattern u : users) {
                if (u.matches(a.user())) {
                    return true;
                }
            }
            return false;
        }
        return true;
    }

    // ---------------------------------------------------------------- commands

    /** Deny reading for one command of a line. */
    boolean touches(SshAction a, ShellCommandFacts c) {
        if (!sftp.isEmpty() || !target(a, true)) {
            return false;
        }
        if (opaque != null && opaque != (c.opaque || c.unknownProgram)) {
            return false;
        }
        if (programs.length > 0 && !anyProgramTouched(c)) {
            return false;
        }
        if (arguments.length > 0 && !anyArgumentMatches(c)) {
            return false;
        }
        if (paths.length > 0 && !anyPathTouched(c)) {
            return false;
        }
        return writes.length <= 0 || anyUnder(c.writes, writes);
    }

    private boolean anyProgramTouched(ShellCommandFacts c) {
        for (ProgramPattern p : programs) {
            if (p.touches(c)) {
                return true;
            }
        }
        return false;
    }

    private boolean anyArgumentMatches(ShellCommandFacts c) {
        for (ShellCommandFacts.Argument arg : c.arguments) {
            if (arg.word().isDynamic() || matchesArgument(arg.word().text(), true)) {
                return true;
            }
        }
        return false;
    }

    private boolean matchesArgument(String text, boolean ignoreCase) {
        for (String p : arguments) {
            if (PathGlob.globMatches(p, text, ignoreCase)) {
                return true;
            }
        }
        return false;
    }

    private boolean anyPathTouched(ShellCommandFacts c) {
        for (ShellCommandFacts.Argument arg : c.arguments) {
            if (argumentTouches(c, arg, paths)) {
                return true;
            }
        }
        return anyUnder(c.reads, paths) || anyUnder(c.writes, paths);
    }

    /**
     * Deny reading for the files one argument may name: under one of {@code globs}, or, for a
     * command that reads the directories it names with everything under them, holding a file that is.
     */
    private static boolean argumentTouches(ShellCommandFacts c, ShellCommandFacts.Argument arg, PathGlob[] globs) {
        if (!c.recursive) {
            return anyUnder(arg.locations(), globs) || anyUnder(arg.mayAlsoName(), globs);
        }
        return anyHolding(arg.locations(), globs) || anyHolding(arg.mayAlsoName(), globs);
    }

    private static boolean anyHolding(List<PathLocation> locations, PathGlob[] globs) {
        for (PathLocation l : locations) {
            for (PathGlob g : globs) {
                if (l.mayHold(g, true)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean anyUnder(List<PathLocation> locations, PathGlob[] globs) {
        for (PathLocation l : locations) {
            for (PathGlob g : globs) {
                if (l.mayBeUnder(g, true)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Allow reading for one command: it stays within every list. Fails closed: an unknown program,
     * an opaque one that {@code programs} does not name exactly, and a file written outside
     * {@code writes} are never allowed.
     */
    boolean confines(SshAction a, ShellCommandFacts c) {
        if (!sftp.isEmpty() || !target(a, false) || c.unknownProgram) {
            return false;
        }
        if (c.opaque && !namesExactly(c)) {
            return false;
        }
        if (opaque != null && opaque != c.opaque) {
            return false;
        }
        if (programs.length > 0) {
            boolean any = false;
            for (ProgramPattern p : programs) {
                if (p.allows(c)) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                return false;
            }
        }
        for (ShellCommandFacts.Argument arg : c.arguments) {
            if (!argumentConfined(arg, c.recursive)) {
                return false;
            }
        }
        if (paths.length > 0 && !allWithin(c.reads, paths)) {
            return false;
        }
        for (PathLocation l : c.writes) {
            if (!l.harmlessToWrite() && (writes.length == 0 || !within(l, writes))) {
                return false;
            }
        }
        return true;
    }

    /** Allow reading for one argument; for a command that reads recursively, everything under the paths it names counts. */
    private boolean argumentConfined(ShellCommandFacts.Argument arg, boolean recursive) {
        ShellWord w = arg.word();
        boolean byArguments = arguments.length > 0;
        boolean byPaths = paths.length > 0;
        switch (arg.role()) {
            case OPTION -> {
                if (byArguments && !matchesArgument(w.text(), false)) {
                    return false;
                }
                return !byPaths || allWithin(arg.locations(), paths, recursive);
            }
            case PLAIN -> {
                if (byArguments) {
                    return matchesArgument(w.text(), false);
                }
                return !byPaths || allWithin(arg.locations(), paths, recursive);
            }
            default -> {
                if (byPaths) {
                    return allWithin(arg.locations(), paths, recursive);
                }
                if (byArguments) {
                    return w.isLiteral() && matchesArgument(w.text(), false);
                }
                return true;
            }
        }
    }

    private static boolean allWithin(List<PathLocation> locations, PathGlob[] globs) {
        return allWithin(locations, globs, false);
    }

    private static boolean allWithin(List<PathLocation> locations, PathGlob[] globs, boolean wholeTree) {
        for (PathLocation l : locations) {
            if (!(wholeTree ? wholeTreeWithin(l, globs) : within(l, globs))) {
                return false;
            }
        }
        return true;
    }

    private static boolean wholeTreeWithin(PathLocation l, PathGlob[] globs) {
        for (PathGlob g : globs) {
            if (l.wholeTreeWithin(g)) {
                return true;
            }
        }
        return false;
    }

    private static boolean within(PathLocation l, PathGlob[] globs) {
        for (PathGlob g : globs) {
            if (l.within(g)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code programs} names the command's program without wildcards: how an opaque command is allowed. */
    boolean namesExactly(ShellCommandFacts c) {
        for (ProgramPattern p : programs) {
            if (!p.wildcard && p.allows(c)) {
                return true;
            }
        }
        return false;
    }

    /** Deny reading for a command line that could not be read: any rule for this target that may match a command. */
    boolean touchesUnreadable(SshAction a) {
        return sftp.isEmpty() && target(a, true);
    }

    // ---------------------------------------------------------------- SFTP

    /** Deny reading for an SFTP operation. */
    boolean touchesSftp(SshAction a) {
        if (commandsOnly || !target(a, true)) {
            return false;
        }
        SftpOperation op = a.sftpOperation();
        if (!sftp.isEmpty() && !sftp.contains(op)) {
            return false;
        }
        List<PathLocation> locations = sftpLocations(a);
        if (paths.length > 0 && !anyUnder(locations, paths)) {
            return false;
        }
        return writes.length == 0 || (op.writes() && anyUnder(locations, writes));
    }

    /**
     * Allow reading for an SFTP operation: within {@code paths}; an operation that changes files
     * also needs {@code writes} to cover its paths, or {@code sftp} to list it.
     */
    boolean confinesSftp(SshAction a) {
        if (commandsOnly || !target(a, false)) {
            return false;
        }
        SftpOperation op = a.sftpOperation();
        if (!sftp.isEmpty() && !sftp.contains(op)) {
            return false;
        }
        List<PathLocation> locations = sftpLocations(a);
        if (paths.length > 0 && !allWithin(locations, paths)) {
            return false;
        }
        if (op.writes()) {
            return writes.length > 0 ? allWithin(locations, writes) : sftp.contains(op);
        }
        return true;
    }

    private static List<PathLocation> sftpLocations(SshAction a) {
        return a.sftpPaths().stream().map(p -> PathLocation.ofText(p, a.workingDirectory())).toList();
    }

    // ---------------------------------------------------------------- reasons

    /** What the condition matched in a command, for a deny or approval reason: pattern texts, never the line's words. */
    void describeMatch(StringBuilder b, ShellCommandFacts c) {
        if (arguments.length > 0) {
            for (ShellCommandFacts.Argument arg : c.arguments) {
                if (arg.word().isDynamic()) {
                    b.append("; an argument only known when the line runs");
                    break;
                }
                String matched = firstArgumentPattern(arg.word().text());
                if (matched != null) {
                    b.append("; argument pattern ").append(HttpCondition.shownPattern(matched));
                    break;
                }
            }
        }
        if (paths.length > 0) {
            PathGlob g = firstTouched(c);
            if (g != null) {
                b.append("; a path under ").append(HttpCondition.shownPattern(g.text()));
            }
        }
        if (writes.length > 0) {
            for (PathGlob g : writes) {
                if (anyUnder(c.writes, new PathGlob[] {g})) {
                    b.append("; writes under ").append(HttpCondition.shownPattern(g.text()));
                    break;
                }
            }
        }
    }

    private String firstArgumentPattern(String text) {
        for (String p : arguments) {
            if (PathGlob.globMatches(p, text, true)) {
                return p;
            }
        }
        return null;
    }

    private PathGlob firstTouched(ShellCommandFacts c) {
        for (PathGlob g : paths) {
            PathGlob[] one = {g};
            for (ShellCommandFacts.Argument arg : c.arguments) {
                if (argumentTouches(c, arg, one)) {
                    return g;
                }
            }
            if (anyUnder(c.reads, one) || anyUnder(c.writes, one)) {
                return g;
            }
        }
        return null;
    }

    /** What the condition matched in an SFTP operation: the path pattern. */
    void describeSftpMatch(StringBuilder b, SshAction a) {
        List<PathLocation> locations = sftpLocations(a);
        for (PathGlob g : writes.length > 0 ? writes : paths) {
            if (anyUnder(locations, new PathGlob[] {g})) {
                b.append(writes.length > 0 ? "; writes under " : "; a path under ")
                        .append(HttpCondition.shownPattern(g.text()));
                return;
            }
        }
    }
}

package dev.agentguard.core.policy;

import dev.agentguard.core.action.SftpOperation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a rule matches in an SSH action: a command line (every simple command in it, nested ones
 * included; see {@link dev.agentguard.core.shell.ShellLine}) or an SFTP operation. Every condition
 * that is set must hold; an unset condition (an empty list, a {@code null} flag) does not constrain.
 *
 * <p>Patterns: {@code *} matches any run of characters and {@code ?} one character; in paths
 * {@code *} stays within one segment and {@code **} crosses segments ({@code /var/log/app/**}
 * matches {@code /var/log/app} and everything under it). A program written without {@code /}
 * ({@code cat}) is a name: a deny rule matches it however the line names the program
 * ({@code cat}, {@code /bin/cat}, {@code /tmp/x/cat}, {@code \cat}); an allow rule matches it when
 * the line runs it by name or from {@code /bin}, {@code /usr/bin}, {@code /sbin},
 * {@code /usr/sbin}, {@code /usr/local/bin} or {@code /usr/local/sbin}. A program written as an
 * absolute path matches that path.
 *
 * <p>As for SQL, each kind of rule reads the conditions in the direction that fails closed:
 * <ul>
 *   <li>deny and require-approval rules match a line when <em>any</em> command in it matches:
 *       its program is listed, <em>any</em> argument matches {@code arguments}, <em>any</em> file
 *       it names (argument or redirection) may lie under {@code paths}, <em>any</em> file it
 *       redirects output to may lie under {@code writes}. A word only known when the line runs,
 *       or a program only known then, matches every such list;</li>
 *   <li>allow rules allow one command when it stays <em>within</em> the lists (every argument
 *       covered, every path under {@code paths}, every file it writes under {@code writes}), and
 *       allow a line only when every command in it is allowed by some allow rule. An allow rule
 *       never covers a word or program only known when the line runs, writes to files only
 *       under {@code writes} ({@code /dev/null} aside), and allows an opaque command (an
 *       interpreter, a shell, a wrapper such as {@code sudo}, {@code eval}, a compound command)
 *       only when {@code programs} names its program without wildcards.</li>
 * </ul>
 *
 * @param hosts       host globs, e.g. {@code app1.example.com}, {@code *.pci.example.com}
 * @param users       the users the session logs in as (globs)
 * @param programs    program names or absolute paths (globs)
 * @param arguments   argument patterns: deny — any argument matches; allow — every option and
 *                    every plain word (and every path, when {@code paths} is not set) matches one
 * @param paths       absolute path globs for the files a command names (arguments, redirections)
 *                    or an SFTP operation touches
 * @param writes      absolute path globs for the files a command writes through a redirection, or
 *                    an SFTP operation writes, removes, renames or creates
 * @param sftp        SFTP operations; a rule that sets it matches SFTP operations only
 * @param opaque      {@code true}: only opaque commands (or programs only known when the line runs);
 *                    {@code false}: only others; {@code null}: either. An allow rule cannot set it
 *                    to {@code true}: it names the opaque programs it allows instead
 * @param interactive {@code true}: only lines typed into an interactive shell; {@code false}: only
 *                    exec commands and SFTP; {@code null}: either
 */
public record SshCondition(List<String> hosts, List<String> users, List<String> programs, List<String> arguments,
                           List<String> paths, List<String> writes, Set<SftpOperation> sftp, Boolean opaque,
                           Boolean interactive) implements ChannelCondition {

    /** The longest program, argument or path pattern accepted. */
    static final int MAX_PATTERN = 500;

    /** The condition that constrains nothing: every readable SSH action, within the fail-closed rules. */
    public static final SshCondition ANY = builder().build();

    public SshCondition {
        hosts = copy(hosts, HttpCondition::checkHost);
        users = copy(users, SshCondition::checkUser);
        programs = copy(programs, SshCondition::checkProgram);
        arguments = copy(arguments, SshCondition::checkArgument);
        paths = copy(paths, p -> checkPath("path", p));
        writes = copy(writes, p -> checkPath("writes", p));
        sftp = sftp == null || sftp.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(sftp));
        if (!sftp.isEmpty() && (!programs.isEmpty() || !arguments.isEmpty() || opaque != null)) {
            throw new IllegalArgumentException("an ssh condition matches commands (programs, arguments, opaque) or "
                    + "SFTP operations (sftp), not both: split it into two rules");
        }
        if (!sftp.isEmpty() && Boolean.TRUE.equals(interactive)) {
            throw new IllegalArgumentException("an ssh condition with sftp cannot require interactive: true; SFTP "
                    + "operations are never lines of an interactive shell");
        }
    }

    /** Starts an empty condition. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public boolean isEmpty() {
        return hosts.isEmpty() && users.isEmpty() && programs.isEmpty() && arguments.isEmpty() && paths.isEmpty()
                && writes.isEmpty() && sftp.isEmpty() && opaque == null && interactive == null;
    }

    /** Whether the condition matches commands only: it sets programs, arguments or opaque. */
    public boolean commandsOnly() {
        return !programs.isEmpty() || !arguments.isEmpty() || opaque != null;
    }

    /** Whether the condition matches SFTP operations only. */
    public boolean sftpOnly() {
        return !sftp.isEmpty();
    }

    private interface Check {
        String apply(String value);
    }

    private static List<String> copy(List<String> values, Check check) {
        if (values == null || values.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>(values.size());
        for (String v : values) {
            out.add(check.apply(v));
        }
        return List.copyOf(out);
    }

    /** Checks a user pattern; returns it stripped. */
    static String checkUser(String v) {
        Objects.requireNonNull(v, "users must not contain null");
        return NamePattern.compile("user pattern", v, 1, false).text();
    }

    /** Checks a program pattern: a name, or an absolute path without dot segments; returns it stripped. */
    static String checkProgram(String v) {
        Objects.requireNonNull(v, "programs must not contain null");
        String p = v.strip();
        if (p.isEmpty()) {
            throw new IllegalArgumentException("program pattern must not be empty; remove the entry or write a "
                    + "program such as cat or /usr/bin/cat");
        }
        checkText("program pattern", p);
        if (p.indexOf(' ') >= 0 || p.indexOf('\t') >= 0) {
            throw new IllegalArgumentException("program pattern " + HttpCondition.shownPattern(p) + " has a space; "
                    + "name the program alone (cat) and its arguments in arguments");
        }
        if (p.indexOf('/') >= 0) {
            if (!p.startsWith("/")) {
                throw new IllegalArgumentException("program pattern " + HttpCondition.shownPattern(p) + " is a "
                        + "relative path; write a name (cat) or an absolute path (/usr/bin/cat)");
            }
            checkSegments("program pattern", p);
        }
        return p;
    }

    /** Checks an argument pattern; returns it as written (spaces inside are part of the argument). */
    static String checkArgument(String v) {
        Objects.requireNonNull(v, "arguments must not contain null");
        if (v.isEmpty()) {
            throw new IllegalArgumentException("argument pattern must not be empty; remove the entry or write an "
                    + "argument such as -rf");
        }
        checkText("argument pattern", v);
        return v;
    }

    /** Checks an absolute path pattern; returns it stripped, without a trailing '/'. */
    static String checkPath(String what, String v) {
        Objects.requireNonNull(v, what + " patterns must not contain null");
        String p = v.strip();
        checkText(what + " pattern", p);
        if (!p.startsWith("/")) {
            throw new IllegalArgumentException(what + " pattern " + HttpCondition.shownPattern(p) + " is not an "
                    + "absolute path; write paths from the root, such as /var/log/app/**");
        }
        if (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        checkSegments(what + " pattern", p);
        return p;
    }

    private static void checkText(String what, String p) {
        if (p.length() > MAX_PATTERN) {
            throw new IllegalArgumentException(what + " is longer than " + MAX_PATTERN + " characters");
        }
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException(what + " has a control character; write printable text");
            }
        }
    }

    private static void checkSegments(String what, String p) {
        if (p.equals("/")) {
            return;
        }
        for (String segment : p.substring(1).split("/", -1)) {
            if (segment.isEmpty()) {
                throw new IllegalArgumentException(what + " " + HttpCondition.shownPattern(p) + " has an empty "
                        + "segment (//); write single slashes");
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException(what + " " + HttpCondition.shownPattern(p) + " has a '" + segment
                        + "' segment; paths are matched after '.' segments are removed, so write the path without "
                        + "dot segments");
            }
            if (segment.contains("**") && !segment.equals("**")) {
                throw new IllegalArgumentException(what + " " + HttpCondition.shownPattern(p) + " has '**' inside a "
                        + "segment; '**' stands alone between slashes (/var/log/**), '*' matches within a segment");
            }
        }
    }

    /** Builds an {@link SshCondition}; each setter replaces what it sets. */
    public static final class Builder {
        private List<String> hosts = List.of();
        private List<String> users = List.of();
        private List<String> programs = List.of();
        private List<String> arguments = List.of();
        private List<String> paths = List.of();
        private List<String> writes = List.of();
        private Set<SftpOperation> sftp = Set.of();
        private Boolean opaque;
        private Boolean interactive;

        private Builder() {
        }

        /** Host globs, e.g. {@code app1.example.com}, {@code *.pci.example.com}. */
        public Builder hosts(String... patterns) {
            this.hosts = list("hosts", patterns);
            return this;
        }

        /** The users the session logs in as (globs). */
        public Builder users(String... patterns) {
            this.users = list("users", patterns);
            return this;
        }

        /** Program names ({@code cat}) or absolute paths ({@code /usr/bin/cat}), globs. */
        public Builder programs(String... patterns) {
            this.programs = list("programs", patterns);
            return this;
        }

        /** Argument patterns: present (deny, approval) or the only ones allowed (allow). */
        public Builder arguments(String... patterns) {
            this.arguments = list("arguments", patterns);
            return this;
        }

        /** Absolute path globs for the files a command names or an SFTP operation touches. */
        public Builder paths(String... patterns) {
            this.paths = list("paths", patterns);
            return this;
        }

        /** Absolute path globs for the files a command writes through a redirection or SFTP changes. */
        public Builder writes(String... patterns) {
            this.writes = list("writes", patterns);
            return this;
        }

        /** SFTP operations; the rule then matches SFTP operations only. */
        public Builder sftp(SftpOperation... operations) {
            for (SftpOperation o : operations) {
                Objects.requireNonNull(o, "sftp must not contain null");
            }
            this.sftp = operations.length == 0 ? Set.of() : EnumSet.copyOf(List.of(operations));
            return this;
        }

        /** Only opaque commands ({@code true}) or only others ({@code false}); {@code null} unsets. */
        public Builder opaque(Boolean opaque) {
            this.opaque = opaque;
            return this;
        }

        /** Only interactive shell lines ({@code true}) or only the rest ({@code false}); {@code null} unsets. */
        public Builder interactive(Boolean interactive) {
            this.interactive = interactive;
            return this;
        }

        public SshCondition build() {
            return new SshCondition(hosts, users, programs, arguments, paths, writes, sftp, opaque, interactive);
        }

        private static List<String> list(String what, String... values) {
            for (String v : values) {
                Objects.requireNonNull(v, what + " must not contain null");
            }
            return List.of(values);
        }
    }
}

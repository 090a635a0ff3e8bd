package dev.agentguard.core.shell;

import dev.agentguard.core.shell.ShellParser.CommandBuilder;
import dev.agentguard.core.shell.ShellParser.RedirectionBuilder;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The second pass over a parsed line: says which commands are opaque and why, and adds the
 * commands that well-known programs run for the line — the program a wrapper runs
 * ({@code sudo cat …}), the one {@code xargs} or {@code find -exec} runs, and the commands of
 * shell code passed as text ({@code sh -c '…'}, {@code eval}, {@code ssh host '…'}, a
 * here-document into {@code bash}). Those come right after the command that runs them, with
 * {@link Origin#WRAPPED} or {@link Origin#SHELL_CODE} and the wrapper's name in
 * {@link ShellCommand#wrappers()}, and are analysed in turn.
 *
 * <p>When a wrapper's options are not ones listed here, or its code is only known when the line
 * runs, the command it runs is recorded with a {@link Expansion#RUNTIME} program: unknown, so no
 * allow rule covers it and every deny rule on programs does.
 */
final class CommandAnalysis {

    static final String SHELL = "a shell, which runs code from its arguments, a file or its input";
    static final String INTERPRETER = "an interpreter, which runs code from its arguments, a file or its input";
    static final String EVAL = "runs its arguments as shell code";
    static final String SOURCE = "runs the shell code of a file in the current shell";
    static final String WRAPPER = "runs another program, which is checked too";
    static final String EACH = "runs a program for every input or file, which is checked too";
    static final String STATE = "changes the shell for later commands (its directory, aliases, functions, options, "
            + "variables or traps)";
    static final String EVALUATES = "the shell evaluates a variable's value as code here (arithmetic on variables, "
            + "indirection or a prompt expansion)";
    static final String REMOTE = "runs commands on another host";
    static final String PROMPT = "can run shell commands from its own prompt, options or configuration";
    static final String CODE = "runs code or commands given to it";
    static final String COMPOUND = "a compound command of the shell, whose body commands are checked too";
    static final String FUNCTION = "defines a shell function, which can stand in for a program in later commands";
    static final String TEST_VARIABLE = "test -v, or an argument only known when the line runs, can make the shell "
            + "evaluate a variable's subscript as code";
    static final String PRINTF_VARIABLE = "printf -v, or a first argument only known when the line runs, can make "
            + "the shell evaluate a variable's subscript as code";
    static final String NAME = "its program name has characters outside printable ASCII (a look-alike or invisible "
            + "character)";

    private static final Set<String> SHELLS = Set.of("sh", "bash", "dash", "zsh", "ksh", "ksh93", "mksh", "pdksh",
            "oksh", "ash", "hush", "yash", "posh", "rbash", "csh", "tcsh", "fish", "elvish", "nu", "xonsh");

    /** Interpreters; a version suffix counts too ({@code python3.11}, {@code perl5.36}). */
    private static final Set<String> INTERPRETERS = Set.of("python", "python2", "python3", "pypy", "pypy3", "perl",
            "ruby", "irb", "node", "nodejs", "deno", "bun", "php", "lua", "luajit", "tclsh", "wish", "expect",
            "Rscript", "R", "julia", "guile", "racket", "sbcl", "clisp", "ocaml", "ghci", "runghc", "runhaskell",
            "groovy", "jshell", "jrunscript", "scala", "osascript", "pwsh", "powershell", "erl", "escript", "elixir",
            "iex", "swift", "dc", "gdb", "lldb", "psql", "mysql", "mariadb", "sqlite3");

    private static final Set<String> PROMPTS = Set.of("vi", "vim", "nvim", "view", "vimdiff", "rvim", "ex", "ed",
            "red", "emacs", "emacsclient", "nano", "pico", "joe", "mcedit", "less", "more", "most", "pg", "man", "info",
            "sudoedit", "mc");

    private static final Set<String> RUNS_CODE = Set.of("crontab", "at", "batch", "systemd-run", "tmux", "screen",
            "make", "npx", "parallel", "script", "sg", "runcon", "capsh", "newgrp", "dbus-launch", "xvfb-run");

    private static final Set<String> STATE_BUILTINS = Set.of("cd", "pushd", "popd", "alias", "unalias", "export",
            "declare", "typeset", "local", "readonly", "unset", "set", "shopt", "trap", "enable", "hash", "read",
            "mapfile", "readarray", "getopts", "let", "ulimit", "umask", "bind", "complete", "compgen", "compopt",
            "fc", "history", "setopt", "unsetopt", "autoload", "zmodload", "emulate");

    private static final Set<String> AWKS = Set.of("awk", "gawk", "mawk", "nawk", "original-awk");

    /** Wrappers AgentGuard cannot read the options of: the program they run is always unknown. */
    private static final Set<String> UNREADABLE_WRAPPERS = Set.of("nsenter", "unshare", "strace", "ltrace",
            "valgrind", "firejail", "proot", "setpriv", "systemd-inhibit", "sshpass", "chpst", "bwrap", "schroot",
            "numactl", "prlimit", "setarch", "linux32", "linux64", "faketime", "cgexec", "entr", "rlwrap",
            "start-stop-daemon", "daemonize", "tini", "dumb-init", "catatonit", "systemd-nspawn", "machinectl");

    /** Wrappers that take no options here: the first word after them is the program. */
    private static final Set<String> PLAIN_WRAPPERS = Set.of("fakeroot", "unbuffer", "catchsegv", "torsocks",
            "proxychains", "proxychains4", "builtin", "nohup", "eatmydata");

    /**
     * How to find the program a wrapper runs.
     *
     * @param shortFlags     single-letter options without a value
     * @param shortValues    single-letter options that take a value (attached or the next word)
     * @param longFlags      long options without a value
     * @param longValues     long options that take a value ({@code --x=v} or the next word)
     * @param operands       words between the options and the program ({@code timeout 5 cmd})
     * @param assignments    whether {@code NAME=value} words may come before the program
     * @param noCommand      single-letter options with which nothing is run
     * @param noCommandLong  long options with which nothing is run
     * @param unreadable     options whose use hides the program ({@code env -S 'string'})
     * @param numeric        whether {@code -10} style options are allowed ({@code nice -10})
     */
    private record Wrapper(String shortFlags, String shortValues, Set<String> longFlags, Set<String> longValues,
                           int operands, boolean assignments, String noCommand, Set<String> noCommandLong,
                           Set<String> unreadable, boolean numeric) {
    }

    private static Wrapper wrapper(String shortFlags, String shortValues, Set<String> longFlags, Set<String> longValues) {
        return new Wrapper(shortFlags, shortValues, longFlags, longValues, 0, false, "", Set.of(), Set.of(), false);
    }

    private static final java.util.Map<String, Wrapper> WRAPPERS = java.util.Map.ofEntries(
            java.util.Map.entry("sudo", new Wrapper("AbEeHiKklnPSsVvBN", "CDghpRrtTUu",
                    Set.of("--askpass", "--background", "--preserve-env", "--edit", "--help", "--set-home", "--login",
                            "--remove-timestamp", "--reset-timestamp", "--list", "--non-interactive",
                            "--preserve-groups", "--stdin", "--shell", "--version", "--validate", "--bell"),
                    Set.of("--close-from", "--chdir", "--group", "--host", "--prompt", "--chroot", "--role", "--type",
                            "--command-timeout", "--other-user", "--user"),
                    0, true, "eVvlK", Set.of("--edit", "--list", "--validate", "--version", "--help",
                            "--remove-timestamp"), Set.of(), false)),
            java.util.Map.entry("doas", new Wrapper("nsL", "uC", Set.of(), Set.of(), 0, false, "LC", Set.of(), Set.of(),
                    false)),
            java.util.Map.entry("pkexec", new Wrapper("", "", Set.of("--disable-internal-agent", "--keep-cwd"),
                    Set.of("--user"), 0, false, "", Set.of("--version", "--help"), Set.of(), false)),
            java.util.Map.entry("env", new Wrapper("i0v", "uCSP",
                    Set.of("--ignore-environment", "--null", "--debug", "--list-signal-handling", "--help", "--version",
                            "--default-signal", "--ignore-signal", "--block-signal"),
                    Set.of("--unset", "--chdir", "--split-string"), 0, true, "", Set.of("--help", "--version"),
                    Set.of("-S", "--split-string"), false)),
            java.util.Map.entry("nice", new Wrapper("", "n", Set.of("--help", "--version"), Set.of("--adjustment"), 0,
                    false, "", Set.of("--help", "--version"), Set.of(), true)),
            java.util.Map.entry("timeout", new Wrapper("fv", "ks",
                    Set.of("--preserve-status", "--foreground", "--verbose", "--help", "--version"),
                    Set.of("--kill-after", "--signal"), 1, false, "", Set.of("--help", "--version"), Set.of(), false)),
            java.util.Map.entry("time", new Wrapper("pvqa", "of",
                    Set.of("--portability", "--verbose", "--quiet", "--append", "--help", "--version"),
                    Set.of("--output", "--format"), 0, false, "", Set.of("--help", "--version"), Set.of(), false)),
            java.util.Map.entry("stdbuf", wrapper("", "ioe", Set.of(), Set.of("--input", "--output", "--error"))),
            java.util.Map.entry("ionice", new Wrapper("t", "cnpPu", Set.of("--ignore"),
                    Set.of("--class", "--classdata", "--pid", "--pgid", "--uid"), 0, false, "pPu",
                    Set.of("--pid", "--pgid", "--uid"), Set.of(), false)),
            java.util.Map.entry("setsid", wrapper("cfw", "", Set.of("--ctty", "--fork", "--wait"), Set.of())),
            java.util.Map.entry("chroot", new Wrapper("", "", Set.of("--skip-chdir"), Set.of("--groups", "--userspec"),
                    1, false, "", Set.of("--help", "--version"), Set.of(), false)),
            java.util.Map.entry("taskset", new Wrapper("ac", "", Set.of("--all-tasks", "--cpu-list"), Set.of(), 1,
                    false, "p", Set.of("--pid"), Set.of(), false)),
            java.util.Map.entry("chrt", new Wrapper("abdefiormRv", "TPD", Set.of(), Set.of(), 1, false, "pm",
                    Set.of("--pid", "--max"), Set.of(), false)),
            java.util.Map.entry("command", new Wrapper("pvV", "", Set.of(), Set.of(), 0, false, "vV", Set.of(),
                    Set.of(), false)),
            java.util.Map.entry("exec", wrapper("cl", "a", Set.of(), Set.of())),
            java.util.Map.entry("ssh-agent", new Wrapper("cDdks", "aEOPt", Set.of(), Set.of(), 0, false, "k", Set.of(),
                    Set.of(), false)),
            java.util.Map.entry("chronic", wrapper("ev", "", Set.of(), Set.of())),
            java.util.Map.entry("ifne", wrapper("n", "", Set.of(), Set.of())),
            java.util.Map.entry("dbus-run-session", wrapper("", "", Set.of(), Set.of("--config-file"))),
            java.util.Map.entry("gosu", new Wrapper("", "", Set.of(), Set.of(), 1, false, "", Set.of("--help",
                    "--version"), Set.of(), false)),
            java.util.Map.entry("su-exec", new Wrapper("", "", Set.of(), Set.of(), 1, false, "", Set.of(), Set.of(),
                    false)));

    private final ShellParser.Session session;
    private final List<ShellCommand> out = new ArrayList<>();

    CommandAnalysis(ShellParser.Session session) {
        this.session = session;
    }

    List<ShellCommand> run() throws ShellSyntaxException {
        for (CommandBuilder b : session.commands) {
            emit(b);
        }
        return out;
    }

    private void emit(CommandBuilder b) throws ShellSyntaxException {
        if (b.depth > ShellLine.MAX_DEPTH) {
            throw new ShellSyntaxException(session.context + "the line is nested more than " + ShellLine.MAX_DEPTH
                    + " levels deep", b.position);
        }
        if (out.size() >= ShellLine.MAX_COMMANDS) {
            throw new ShellSyntaxException("the line runs more than " + ShellLine.MAX_COMMANDS + " commands",
                    b.position);
        }
        List<CommandBuilder> inner = new ArrayList<>();
        String reason = classify(b, inner);
        out.add(b.build(reason));
        for (CommandBuilder i : inner) {
            emit(i);
        }
    }

    /** Why {@code b} is opaque, or null; adds the commands it runs to {@code inner}. */
    private String classify(CommandBuilder b, List<CommandBuilder> inner) throws ShellSyntaxException {
        String evaluates = evaluates(b) ? EVALUATES : null;
        if (b.program == null) {
            return evaluates;
        }
        if (b.keyword != null) {
            return switch (b.keyword) {
                case "function" -> FUNCTION;
                case "((", "[[" -> EVALUATES;
                default -> COMPOUND;
            };
        }
        if (b.program.isDynamic()) {
            return evaluates;
        }
        String name = ShellCommand.baseName(b.program.text());
        // The whole word: a no-break space in "cat\u00a0/etc/shadow" leaves a plain last segment.
        if (!isPlainName(b.program.text())) {
            return evaluates != null ? evaluates : NAME;
        }
        String reason = byProgram(name, b, inner);
        return evaluates != null ? evaluates : reason;
    }

    private static boolean evaluates(CommandBuilder b) {
        if (b.program != null && b.program.evaluates()) {
            return true;
        }
        for (ShellWord w : b.arguments) {
            if (w.evaluates()) {
                return true;
            }
        }
        for (Assignment a : b.assignments) {
            if (a.evaluates()) {
                return true;
            }
        }
        for (RedirectionBuilder r : b.redirections) {
            if (r.target != null && r.target.evaluates()) {
                return true;
            }
        }
        return false;
    }

    private static boolean isPlainName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    private String byProgram(String name, CommandBuilder b, List<CommandBuilder> inner) throws ShellSyntaxException {
        if (SHELLS.contains(name)) {
            shell(name, b, inner);
            return SHELL;
        }
        if (isInterpreter(name)) {
            return INTERPRETER;
        }
        if (STATE_BUILTINS.contains(name)) {
            return STATE;
        }
        Wrapper w = WRAPPERS.get(name);
        if (w != null) {
            unwrap(name, w, b, inner);
            return WRAPPER;
        }
        if (PLAIN_WRAPPERS.contains(name)) {
            plainWrapper(name, b, inner);
            return WRAPPER;
        }
        if (UNREADABLE_WRAPPERS.contains(name)) {
            inner.add(unknown(name, b));
            return WRAPPER;
        }
        return switch (name) {
            case "eval" -> {
                code(name, b, joined(b.arguments, 0), inner);
                yield EVAL;
            }
            case "source", "." -> {
                if (!b.arguments.isEmpty()) {
                    scriptFromHereDocument(name, b, b.arguments.get(0), inner);
                }
                yield SOURCE;
            }
            case "xargs" -> {
                xargs(b, inner);
                yield EACH;
            }
            case "find" -> find(b, inner);
            case "ssh" -> {
                ssh(b, inner);
                yield REMOTE;
            }
            case "su", "runuser" -> {
                su(name, b, inner);
                yield WRAPPER;
            }
            case "busybox", "toybox" -> {
                if (!b.arguments.isEmpty() && !b.arguments.get(0).text().startsWith("-")) {
                    inner.add(wrapped(name, b, b.arguments, List.of()));
                }
                yield WRAPPER;
            }
            case "flock" -> {
                flock(b, inner);
                yield WRAPPER;
            }
            case "watch" -> {
                watch(b, inner);
                yield WRAPPER;
            }
            case "script" -> {
                script(b, inner);
                yield CODE;
            }
            case "sg" -> {
                sg(b, inner);
                yield CODE;
            }
            case "ip" -> ip(b, inner);
            case "scp", "sftp" -> {
                String reason = sshClient(name, b, inner);
                yield name.equals("sftp") ? PROMPT : reason;
            }
            case "split" -> split(b, inner);
            case "sort" -> sort(b, inner);
            case "docker", "podman", "nerdctl", "kubectl", "oc", "crictl", "ctr" -> container(b);
            case "test", "[" -> {
                for (ShellWord a : b.arguments) {
                    if (a.isDynamic() || a.text().equals("-v") || a.text().equals("-R")) {
                        yield TEST_VARIABLE;
                    }
                }
                yield null;
            }
            case "printf" -> !b.arguments.isEmpty() && (b.arguments.get(0).isDynamic()
                    || b.arguments.get(0).text().startsWith("-v")) ? PRINTF_VARIABLE : null;
            case "sed" -> sed(b);
            case "git" -> optionRunsCode(b, "c", Set.of("--config-env", "--exec-path", "--upload-pack",
                    "--receive-pack"), "can run programs named in its options or configuration");
            case "tar", "gtar", "bsdtar" -> tar(b);
            case "rsync" -> optionRunsCode(b, "e", Set.of("--rsh", "--rsync-path"), "runs the program its -e option names");
            case "zip" -> optionRunsCode(b, "", Set.of("-TT", "--unzip-command"), "runs the program its -TT option names");
            case "tcpdump" -> optionRunsCode(b, "z", Set.of(), "runs the program its -z option names");
            case "rg" -> optionRunsCode(b, "", Set.of("--pre"), "runs the program its --pre option names");
            default -> {
                if (AWKS.contains(name)) {
                    yield awk(b);
                }
                if (PROMPTS.contains(name)) {
                    yield PROMPT;
                }
                if (RUNS_CODE.contains(name)) {
                    yield CODE;
                }
                yield null;
            }
        };
    }

    private static boolean isInterpreter(String name) {
        if (INTERPRETERS.contains(name)) {
            return true;
        }
        for (String family : new String[] {"python", "pypy", "perl", "ruby", "php", "lua", "node", "tclsh", "wish"}) {
            if (name.startsWith(family) && name.length() > family.length()) {
                String rest = name.substring(family.length());
                if (rest.chars().allMatch(ch -> Character.isDigit(ch) || ch == '.' || ch == '-')) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- shells and code

    /** {@code sh -c CODE}, or code a shell reads from a here-document or here-string. */
    private void shell(String name, CommandBuilder b, List<CommandBuilder> inner) throws ShellSyntaxException {
        List<ShellWord> args = b.arguments;
        boolean command = false;
        boolean stdin = false;
        int i = 0;
        for (; i < args.size(); i++) {
            ShellWord a = args.get(i);
            if (a.isDynamic()) {
                // An option only known when the line runs may be -c: the code is unknown.
                inner.add(unknown(name, b));
                return;
            }
            String t = a.text();
            if (t.equals("--") || t.equals("-")) {
                i++;
                break;
            }
            if (t.startsWith("--")) {
                if (t.equals("--rcfile") || t.equals("--init-file")) {
                    i++;
                }
                continue;
            }
            if ((t.startsWith("-") || t.startsWith("+")) && t.length() > 1) {
                int values = 0;
                for (int k = 1; k < t.length(); k++) {
                    char ch = t.charAt(k);
                    if (ch == 'c') {
                        command = true;
                    } else if (ch == 's') {
                        stdin = true;
                    } else if (ch == 'o' || ch == 'O') {
                        values++;
                    }
                }
                i += values;
                continue;
            }
            break;
        }
        if (command) {
            if (i < args.size()) {
                code(name, b, args.get(i), inner);
            }
            return;
        }
        if (i < args.size() && !stdin) {
            // A script file: its code cannot be seen here, unless it is a here-document read
            // through /dev/stdin, /dev/fd/N or /proc/self/fd/N.
            scriptFromHereDocument(name, b, args.get(i), inner);
            return;
        }
        for (RedirectionBuilder r : b.redirections) {
            if ((r.kind == Redirection.Kind.HERE_DOCUMENT || r.kind == Redirection.Kind.HERE_STRING)
                    && r.feedsStandardInput() && r.target != null) {
                code(name, b, r.target, inner);
            }
        }
    }

    /**
     * A script file that is one of the command's descriptors ({@code bash /dev/stdin <<< 'code'},
     * {@code source /dev/fd/3 3<<EOF}): the here-documents and here-strings fed to it are code.
     */
    private void scriptFromHereDocument(String name, CommandBuilder b, ShellWord script, List<CommandBuilder> inner)
            throws ShellSyntaxException {
        if (script.isDynamic()) {
            return;
        }
        int fd = descriptorOf(script.text());
        if (fd == NOT_A_DESCRIPTOR) {
            return;
        }
        for (RedirectionBuilder r : b.redirections) {
            if ((r.kind == Redirection.Kind.HERE_DOCUMENT || r.kind == Redirection.Kind.HERE_STRING)
                    && r.target != null && (fd == ANY_DESCRIPTOR || (fd == 0 ? r.feedsStandardInput() : r.fd == fd))) {
                code(name, b, r.target, inner);
            }
        }
    }

    private static final int NOT_A_DESCRIPTOR = -1;
    private static final int ANY_DESCRIPTOR = -2;

    /**
     * The descriptor a path names: 0 for {@code -}, {@code /dev/stdin}, {@code /dev/fd/0} and
     * {@code /proc/self/fd/0}; N for {@code /dev/fd/N} and {@code /proc/<pid>/fd/N};
     * {@link #ANY_DESCRIPTOR} when a {@code ..} may lead to one; else {@link #NOT_A_DESCRIPTOR}.
     */
    static int descriptorOf(String path) {
        if (path.equals("-")) {
            return 0;
        }
        if (!path.startsWith("/")) {
            return NOT_A_DESCRIPTOR;
        }
        List<String> s = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty() && !part.equals(".")) {
                s.add(part);
            }
        }
        if (s.contains("..")) {
            return s.contains("fd") || s.contains("stdin") || s.contains("dev") || s.contains("proc")
                    ? ANY_DESCRIPTOR : NOT_A_DESCRIPTOR;
        }
        int n = s.size();
        if (n == 2 && s.get(0).equals("dev") && s.get(1).equals("stdin")) {
            return 0;
        }
        boolean devFd = n == 3 && s.get(0).equals("dev") && s.get(1).equals("fd");
        boolean procFd = (n == 4 && s.get(0).equals("proc") && s.get(2).equals("fd"))
                || (n == 6 && s.get(0).equals("proc") && s.get(2).equals("task") && s.get(4).equals("fd"));
        if (devFd || procFd) {
            String number = s.get(n - 1);
            if (!number.isEmpty() && number.length() < 10 && number.chars().allMatch(Character::isDigit)) {
                return Integer.parseInt(number);
            }
        }
        return NOT_A_DESCRIPTOR;
    }

    /** Parses {@code code} as shell code that {@code name} runs; an unknown code is an unknown program. */
    private void code(String name, CommandBuilder b, ShellWord code, List<CommandBuilder> inner)
            throws ShellSyntaxException {
        if (code == null || code.isDynamic()) {
            inner.add(unknown(name, b));
            return;
        }
        ShellParser.Session sub = new ShellParser.Session(session.budget, session.context
                + "in the code passed to " + name + ": ");
        new ShellParser(code.text(), 0, b.position, sub, b.depth + 1).parseAll(Origin.SHELL_CODE, b.depth + 1);
        List<String> wrappers = with(b.wrappers, name);
        for (CommandBuilder c : sub.commands) {
            c.wrappers = wrappers;
            c.position = b.position;
            for (RedirectionBuilder r : b.redirections) {
                if (!r.kind.equals(Redirection.Kind.HERE_DOCUMENT) && !r.kind.equals(Redirection.Kind.HERE_STRING)) {
                    c.redirections.add(r);
                }
            }
            inner.add(c);
        }
    }

    /** The words from {@code from} joined by spaces, as eval, ssh and watch join them; null when one is dynamic. */
    private static ShellWord joined(List<ShellWord> words, int from) {
        StringBuilder text = new StringBuilder();
        for (int i = from; i < words.size(); i++) {
            ShellWord w = words.get(i);
            if (w.isDynamic()) {
                return null;
            }
            if (i > from) {
                text.append(' ');
            }
            text.append(w.text());
        }
        return ShellWord.literal(text.toString());
    }

    // ---------------------------------------------------------------- wrappers

    private void unwrap(String name, Wrapper spec, CommandBuilder b, List<CommandBuilder> inner) {
        List<ShellWord> args = b.arguments;
        int i = 0;
        for (; i < args.size(); i++) {
            ShellWord a = args.get(i);
            if (a.isDynamic()) {
                break; // the program position: a dynamic program, unknown to every allow rule
            }
            String t = a.text();
            if (t.equals("--")) {
                i++;
                break;
            }
            if (t.equals("-") && name.equals("env")) {
                continue;
            }
            if (!t.startsWith("-") || t.equals("-")) {
                break;
            }
            if (t.startsWith("--")) {
                int eq = t.indexOf('=');
                String opt = eq < 0 ? t : t.substring(0, eq);
                if (spec.unreadable().contains(opt)) {
                    inner.add(unknown(name, b));
                    return;
                }
                if (spec.noCommandLong().contains(opt)) {
                    return;
                }
                if (spec.longValues().contains(opt)) {
                    if (eq < 0) {
                        i++;
                    }
                    continue;
                }
                if (spec.longFlags().contains(opt)) {
                    continue;
                }
                inner.add(unknown(name, b));
                return;
            }
            if (spec.numeric() && t.substring(1).chars().allMatch(Character::isDigit)) {
                continue;
            }
            for (int k = 1; k < t.length(); k++) {
                char ch = t.charAt(k);
                if (spec.unreadable().contains("-" + ch)) {
                    inner.add(unknown(name, b));
                    return;
                }
                if (spec.noCommand().indexOf(ch) >= 0) {
                    return;
                }
                if (spec.shortFlags().indexOf(ch) >= 0) {
                    continue;
                }
                if (spec.shortValues().indexOf(ch) >= 0) {
                    if (k == t.length() - 1) {
                        i++;
                    }
                    break;
                }
                inner.add(unknown(name, b));
                return;
            }
        }
        List<Assignment> assignments = new ArrayList<>(b.assignments);
        if (spec.assignments()) {
            while (i < args.size() && assignmentWord(args.get(i)) != null) {
                assignments.add(assignmentWord(args.get(i)));
                i++;
            }
        }
        i += spec.operands();
        if (i < args.size()) {
            inner.add(wrapped(name, b, args.subList(i, args.size()), assignments));
        }
    }

    private void plainWrapper(String name, CommandBuilder b, List<CommandBuilder> inner) {
        List<ShellWord> args = b.arguments;
        int i = 0;
        if (!args.isEmpty() && args.get(0).isLiteral() && args.get(0).text().equals("--")) {
            i = 1;
        }
        if (i >= args.size()) {
            return;
        }
        if (args.get(i).isLiteral() && args.get(i).text().startsWith("-")) {
            inner.add(unknown(name, b));
            return;
        }
        inner.add(wrapped(name, b, args.subList(i, args.size()), b.assignments));
    }

    /** {@code NAME=value} given as a word to a wrapper, as an assignment; null when it is not one. */
    private static Assignment assignmentWord(ShellWord w) {
        String t = w.text();
        int eq = t.indexOf('=');
        if (eq <= 0 || !ShellParser.isName(t.substring(0, eq))) {
            return null;
        }
        return new Assignment(t.substring(0, eq), new ShellWord(t.substring(eq + 1), w.expansions(), null), false);
    }

    private void xargs(CommandBuilder b, List<CommandBuilder> inner) {
        List<ShellWord> args = b.arguments;
        Set<String> flags = Set.of("--null", "--interactive", "--no-run-if-empty", "--verbose", "--exit",
                "--open-tty", "--show-limits");
        Set<String> values = Set.of("--arg-file", "--delimiter", "--max-args", "--max-procs", "--max-chars",
                "--process-slot-var");
        Set<String> optional = Set.of("--eof", "--replace", "--max-lines");
        String replace = null;
        int i = 0;
        for (; i < args.size(); i++) {
            ShellWord a = args.get(i);
            if (a.isDynamic()) {
                break;
            }
            String t = a.text();
            if (t.equals("--")) {
                i++;
                break;
            }
            if (!t.startsWith("-") || t.equals("-")) {
                break;
            }
            if (t.startsWith("--")) {
                int eq = t.indexOf('=');
                String opt = eq < 0 ? t : t.substring(0, eq);
                if (opt.equals("--replace")) {
                    replace = eq < 0 ? "{}" : t.substring(eq + 1);
                    continue;
                }
                if (flags.contains(opt) || optional.contains(opt)) {
                    continue;
                }
                if (values.contains(opt)) {
                    if (eq < 0) {
                        i++;
                    }
                    continue;
                }
                inner.add(unknown("xargs", b));
                return;
            }
            boolean done = false;
            for (int k = 1; k < t.length() && !done; k++) {
                char ch = t.charAt(k);
                if ("0prtxo".indexOf(ch) >= 0) {
                    continue;
                }
                if ("eil".indexOf(ch) >= 0) {
                    // optional value, attached only
                    if (ch == 'i') {
                        replace = k + 1 < t.length() ? t.substring(k + 1) : "{}";
                    }
                    done = true;
                } else if ("adEILnPs".indexOf(ch) >= 0) {
                    String value = k + 1 < t.length() ? t.substring(k + 1) : null;
                    if (value == null) {
                        i++;
                        value = i < args.size() ? args.get(i).text() : null;
                    }
                    if (ch == 'I') {
                        replace = value;
                    }
                    done = true;
                } else {
                    inner.add(unknown("xargs", b));
                    return;
                }
            }
        }
        List<ShellWord> argv = new ArrayList<>();
        if (i >= args.size()) {
            argv.add(ShellWord.literal("echo"));
        } else {
            for (int k = i; k < args.size(); k++) {
                ShellWord w = args.get(k);
                argv.add(replace != null && !replace.isEmpty() && w.text().contains(replace) ? runtime(w.text()) : w);
            }
        }
        if (replace == null) {
            argv.add(runtime("(input)"));
        }
        inner.add(wrapped("xargs", b, argv, b.assignments));
    }

    /** find: the commands of -exec, -execdir, -ok and -okdir, with {@code {}} filled in when it runs. */
    private String find(CommandBuilder b, List<CommandBuilder> inner) {
        List<ShellWord> args = b.arguments;
        for (ShellWord a : args) {
            if (a.isDynamic() && !a.isGlobOnly()) {
                // A word only known when the line runs may be -exec and a program.
                inner.add(unknown("find", b));
                return EACH;
            }
        }
        boolean runs = false;
        for (int i = 0; i < args.size(); i++) {
            String t = args.get(i).text();
            if (t.equals("-exec") || t.equals("-execdir") || t.equals("-ok") || t.equals("-okdir")) {
                runs = true;
                List<ShellWord> argv = new ArrayList<>();
                int j = i + 1;
                for (; j < args.size(); j++) {
                    String x = args.get(j).text();
                    if (x.equals(";") || (x.equals("+") && j > i + 1 && args.get(j - 1).text().equals("{}"))) {
                        break;
                    }
                    argv.add(x.contains("{}") ? runtime(x) : args.get(j));
                }
                if (!argv.isEmpty()) {
                    inner.add(wrapped("find", b, argv, b.assignments));
                }
                i = j;
            }
        }
        return runs ? EACH : null;
    }

    private void ssh(CommandBuilder b, List<CommandBuilder> inner) throws ShellSyntaxException {
        List<ShellWord> args = b.arguments;
        int i = 0;
        boolean destination = false;
        // ssh reads options before and after the destination; the command starts at the first other word.
        for (; i < args.size(); i++) {
            ShellWord a = args.get(i);
            if (a.isDynamic() && a.text().startsWith("-")) {
                inner.add(unknown("ssh", b));
                return;
            }
            String t = a.text();
            if (t.equals("--")) {
                i++;
                if (!destination) {
                    i++; // the destination
                }
                break;
            }
            if (!t.startsWith("-") || t.equals("-")) {
                if (destination) {
                    break;
                }
                destination = true;
                continue;
            }
            int next = sshClientOptions("ssh", "46AaCfGgKkMNnqsTtVvXxY", "BbcDEeFIiJLlmOoPpQRSWw", b, i, inner);
            if (next < 0) {
                return;
            }
            i = next;
        }
        if (i < args.size()) {
            code("ssh", b, joined(args, i), inner);
            return;
        }
        for (RedirectionBuilder r : b.redirections) {
            if (r.kind == Redirection.Kind.HERE_DOCUMENT || r.kind == Redirection.Kind.HERE_STRING) {
                code("ssh", b, r.target, inner);
            }
        }
    }

    /**
     * scp and sftp: opaque when an option names a program they run ({@code -S program}, sftp's
     * {@code -D}), an ssh option that runs one ({@code -o ProxyCommand=…}) or a configuration file
     * that may ({@code -F}); those programs are commands too. Options may come anywhere before
     * {@code --}.
     */
    private String sshClient(String name, CommandBuilder b, List<CommandBuilder> inner) throws ShellSyntaxException {
        List<ShellWord> args = b.arguments;
        int before = inner.size();
        boolean maybe = false;
        String flags = name.equals("scp") ? "346ABCOpqRrsTv" : "46AaCfNpqrv";
        String values = name.equals("scp") ? "cDFiJloPSX" : "BbcDFiJloPRSX";
        for (int i = 0; i < args.size(); i++) {
            ShellWord a = args.get(i);
            String t = a.text();
            if (a.isDynamic() && t.startsWith("-")) {
                inner.add(unknown(name, b)); // an option that may name a program
                break;
            }
            if (a.isDynamic()) {
                maybe |= !startsLiterally(t); // may be an option, as tar with a word only known when it runs
                continue;
            }
            if (t.equals("--")) {
                break;
            }
            if (!t.startsWith("-") || t.equals("-")) {
                continue;
            }
            int next = sshClientOptions(name, flags, values, b, i, inner);
            if (next < 0) {
                break;
            }
            i = next;
        }
        return inner.size() > before || maybe ? "runs the programs its -S, -o ProxyCommand or -F options name" : null;
    }

    /** Whether a dynamic word starts with a fixed character other than {@code -}, so it cannot be an option. */
    private static boolean startsLiterally(String text) {
        return !text.isEmpty() && (Character.isLetterOrDigit(text.charAt(0)) || text.charAt(0) == '/'
                || text.charAt(0) == '.' || text.charAt(0) == '_');
    }

    /**
     * Reads the option cluster at {@code i} of ssh, scp or sftp; adds what its options run to
     * {@code inner}. Returns the index of the cluster's last word (its value's, when separate), or
     * -1 when an option is unknown (its program then is).
     */
    private int sshClientOptions(String name, String flags, String values, CommandBuilder b, int i,
                                 List<CommandBuilder> inner) throws ShellSyntaxException {
        List<ShellWord> args = b.arguments;
        String t = args.get(i).text();
        for (int k = 1; k < t.length(); k++) {
            char ch = t.charAt(k);
            if (flags.indexOf(ch) >= 0) {
                continue;
            }
            if (values.indexOf(ch) < 0) {
                inner.add(unknown(name, b));
                return -1;
            }
            ShellWord value;
            if (k < t.length() - 1) {
                value = ShellWord.literal(t.substring(k + 1));
            } else {
                i++;
                value = i < args.size() ? args.get(i) : null;
            }
            if (value != null) {
                sshClientOption(name, ch, value, b, inner);
            }
            return i;
        }
        return i;
    }

    /** What one option of ssh, scp or sftp with a value runs. */
    private void sshClientOption(String name, char option, ShellWord value, CommandBuilder b,
                                 List<CommandBuilder> inner) throws ShellSyntaxException {
        switch (option) {
            case 'o' -> sshConfigOption(name, value, b, inner);
            case 'F' -> {
                // A configuration file may name a ProxyCommand; /dev/null and none name nothing.
                if (value.isDynamic() || !(value.text().equals("/dev/null") || value.text().equals("none"))) {
                    inner.add(unknown(name, b));
                }
            }
            case 'S', 'D' -> {
                // scp -S and sftp -S run that program as ssh; sftp -D runs it as the SFTP server.
                if (!name.equals("ssh") && (option == 'S' || name.equals("sftp"))) {
                    inner.add(wrapped(name, b, List.of(value, runtime("(arguments)")), b.assignments));
                }
            }
            case 'b' -> {
                if (name.equals("sftp")) {
                    inner.add(unknown(name, b)); // a batch file may run local commands (!command)
                }
            }
            default -> {
            }
        }
    }

    /** An ssh configuration option given with -o: those that run a local command make it a command of the line. */
    private void sshConfigOption(String name, ShellWord value, CommandBuilder b, List<CommandBuilder> inner)
            throws ShellSyntaxException {
        if (value.isDynamic()) {
            inner.add(unknown(name, b));
            return;
        }
        String t = value.text().strip();
        int k = 0;
        while (k < t.length() && t.charAt(k) != '=' && !Character.isWhitespace(t.charAt(k))) {
            k++;
        }
        String key = t.substring(0, k).toLowerCase(java.util.Locale.ROOT);
        String rest = t.substring(k).strip();
        if (rest.startsWith("=")) {
            rest = rest.substring(1).strip();
        }
        switch (key) {
            case "proxycommand", "localcommand", "knownhostscommand", "remotecommand" -> {
                if (!rest.isEmpty() && !rest.equalsIgnoreCase("none")) {
                    code(name, b, ShellWord.literal(rest), inner);
                }
            }
            // Match exec runs a command; Include reads a file that may name one; providers load code.
            case "match", "include", "pkcs11provider", "securitykeyprovider" -> inner.add(unknown(name, b));
            default -> {
            }
        }
    }

    /**
     * su and runuser: the code of {@code -c} (run by the shell {@code -s} names, when given), the
     * shell {@code -s} names, and runuser's {@code -u user command …}.
     */
    private void su(String name, CommandBuilder b, List<CommandBuilder> inner) throws ShellSyntaxException {
        List<ShellWord> args = b.arguments;
        boolean runuser = name.equals("runuser");
        String flags = "flmpP";
        String values = runuser ? "cgGsuw" : "cgGsw";
        ShellWord code = null;
        ShellWord shell = null;
        boolean user = false;
        int i = 0;
        for (; i < args.size(); i++) {
            ShellWord a = args.get(i);
            String t = a.text();
            if (a.isDynamic()) {
                inner.add(unknown(name, b));
                return;
            }
            if (t.equals("--")) {
                i++;
                break;
            }
            if (!t.startsWith("-") || t.equals("-")) {
                if (user && runuser) {
                    break; // runuser -u user command …
                }
                continue; // the user, or the login shell's arguments (-c is read wherever it is)
            }
            if (t.startsWith("--")) {
                int eq = t.indexOf('=');
                String opt = eq < 0 ? t : t.substring(0, eq);
                boolean isCode = abbreviates(opt, "--command") || abbreviates(opt, "--session-command");
                boolean isShell = abbreviates(opt, "--shell");
                boolean isUser = runuser && abbreviates(opt, "--user");
                if (!isCode && !isShell && !isUser && !abbreviates(opt, "--group")
                        && !abbreviates(opt, "--supp-group") && !abbreviates(opt, "--whitelist-environment")) {
                    continue; // --login, --fast, --preserve-environment, --pty
                }
                ShellWord value = eq >= 0 ? ShellWord.literal(t.substring(eq + 1))
                        : (i + 1 < args.size() ? args.get(++i) : null);
                if (value != null && value.isDynamic()) {
                    inner.add(unknown(name, b));
                    return;
                }
                if (isCode) {
                    code = value;
                } else if (isShell) {
                    shell = value;
                } else if (isUser) {
                    user = true;
                }
                continue;
            }
            for (int k = 1; k < t.length(); k++) {
                char ch = t.charAt(k);
                if (flags.indexOf(ch) >= 0) {
                    continue;
                }
                if (values.indexOf(ch) < 0) {
                    inner.add(unknown(name, b));
                    return;
                }
                ShellWord value = k < t.length() - 1 ? ShellWord.literal(t.substring(k + 1))
                        : (i + 1 < args.size() ? args.get(++i) : null);
                if (value != null && value.isDynamic()) {
                    inner.add(unknown(name, b));
                    return;
                }
                if (ch == 'c') {
                    code = value;
                } else if (ch == 's') {
                    shell = value;
                } else if (ch == 'u') {
                    user = true;
                }
                break;
            }
        }
        if (runuser && user && code == null) {
            if (i < args.size()) {
                inner.add(wrapped(name, b, args.subList(i, args.size()), b.assignments));
            }
            return;
        }
        if (shell != null) {
            // The shell -s names runs, with -c and the code when given: a program like any other.
            List<ShellWord> argv = new ArrayList<>();
            argv.add(shell);
            if (code != null) {
                argv.add(ShellWord.literal("-c"));
                argv.add(code);
            }
            inner.add(wrapped(name, b, argv, b.assignments));
            return;
        }
        if (code != null) {
            code(name, b, code, inner);
        }
    }

    /** Whether {@code option} is {@code full} or an abbreviation of it, as GNU programs accept ({@code --comm}). */
    static boolean abbreviates(String option, String full) {
        return option.length() > 2 && option.startsWith("--") && full.startsWith(option);
    }

    private void flock(CommandBuilder b, List<CommandBuilder> inner) throws ShellSyntaxException {
        List<ShellWord> args = b.arguments;
        int i = 0;
        for (; i < args.size(); i++) {
            ShellWord a = args.get(i);
            String t = a.text();
            if (a.isDynamic()) {
                inner.add(unknown("flock", b));
                return;
            }
            if (t.equals("-c") || t.equals("--command")) {
                code("flock", b, i + 1 < args.size() ? args.get(i + 1) : null, inner);
                return;
            }
            if (t.equals("-w") || t.equals("-E") || t.equals("--timeout") || t.equals("--conflict-exit-code")) {
                i++;
                continue;
            }
            if (!t.startsWith("-")) {
                break;
            }
        }
        i++; // the lock file
        if (i < args.size()) {
            String t = args.get(i).text();
            if (t.equals("-c") || t.equals("--command")) {
                code("flock", b, i + 1 < args.size() ? args.get(i + 1) : null, inner);
            } else {
                inner.add(wrapped("flock", b, args.subList(i, args.size()), b.assignments));
            }
        }
    }

    private void watch(CommandBuilder b, List<CommandBuilder> inner) throws ShellSyntaxException {
        List<ShellWord> args = b.arguments;
        boolean exec = false;
        int i = 0;
        for (; i < args.size(); i++) {
            ShellWord a = args.get(i);
            String t = a.text();
            if (a.isDynamic()) {
                break;
            }
            if (t.equals("--")) {
                i++;
                break;
            }
            if (!t.startsWith("-")) {
                break;
            }
            if (t.equals("-x") || t.equals("--exec")) {
                exec = true;
            } else if (t.equals("-n") || t.equals("--interval") || t.equals("-q") || t.equals("--equexit")) {
                i++;
            } else if (!t.startsWith("--") && !t.substring(1).chars().allMatch(ch -> "bcdegtpwn0123456789.".indexOf(ch) >= 0)) {
                inner.add(unknown("watch", b));
                return;
            }
        }
        if (i >= args.size()) {
            return;
        }
        if (exec) {
            inner.add(wrapped("watch", b, args.subList(i, args.size()), b.assignments));
        } else {
            code("watch", b, joined(args, i), inner);
        }
    }

    /** script: the code of {@code -c} (alone, in a cluster, attached or {@code --command=}), or the command after {@code --}. */
    private void script(CommandBuilder b, List<CommandBuilder> inner) throws ShellSyntaxException {
        List<ShellWord> args = b.arguments;
        for (int i = 0; i < args.size(); i++) {
            ShellWord a = args.get(i);
            String t = a.text();
            if (a.isDynamic()) {
                if (t.startsWith("-") || !startsLiterally(t)) {
                    inner.add(unknown("script", b)); // may be -c and its code
                    return;
                }
                continue;
            }
            if (t.equals("--")) {
                if (i + 1 < args.size()) {
                    inner.add(wrapped("script", b, args.subList(i + 1, args.size()), b.assignments));
                }
                return;
            }
            if (t.startsWith("--")) {
                int eq = t.indexOf('=');
                String opt = eq < 0 ? t : t.substring(0, eq);
                if (abbreviates(opt, "--command")) {
                    code("script", b, eq >= 0 ? ShellWord.literal(t.substring(eq + 1))
                            : (i + 1 < args.size() ? args.get(++i) : null), inner);
                } else if (eq < 0 && (abbreviates(opt, "--log-io") || abbreviates(opt, "--log-in")
                        || abbreviates(opt, "--log-out") || abbreviates(opt, "--log-timing")
                        || abbreviates(opt, "--logging-format") || abbreviates(opt, "--output-limit")
                        || abbreviates(opt, "--echo"))) {
                    i++;
                }
                continue;
            }
            if (!t.startsWith("-") || t.length() < 2) {
                continue; // the typescript file
            }
            for (int k = 1; k < t.length(); k++) {
                char ch = t.charAt(k);
                if (ch == 'c') {
                    code("script", b, k < t.length() - 1 ? ShellWord.literal(t.substring(k + 1))
                            : (i + 1 < args.size() ? args.get(++i) : null), inner);
                    break;
                }
                if ("BEIOTmo".indexOf(ch) >= 0) {
                    if (k == t.length() - 1) {
                        i++;
                    }
                    break;
                }
                if (ch == 't') {
                    break; // -t[FILE]: a value only when attached
                }
            }
        }
    }

    /** sg [-] group [-c] command: the command is shell code. */
    private void sg(CommandBuilder b, List<CommandBuilder> inner) throws ShellSyntaxException {
        List<ShellWord> args = b.arguments;
        int i = 0;
        if (i < args.size() && args.get(i).isLiteral() && args.get(i).text().equals("-")) {
            i++;
        }
        i++; // the group
        if (i < args.size() && args.get(i).isLiteral() && args.get(i).text().equals("-c")) {
            i++;
        }
        if (i < args.size()) {
            code("sg", b, joined(args, i), inner);
        }
    }

    /**
     * ip netns exec NAME, ip -all netns exec and ip vrf exec NAME run a command; ip -batch reads ip
     * commands, exec among them, from a file. ip takes any prefix of its words ({@code ip net e}).
     */
    private static String ip(CommandBuilder b, List<CommandBuilder> inner) {
        List<ShellWord> args = b.arguments;
        boolean all = false;
        int i = 0;
        for (; i < args.size(); i++) {
            ShellWord a = args.get(i);
            String t = a.text();
            if (a.isDynamic()) {
                inner.add(unknown("ip", b));
                return WRAPPER;
            }
            String o = t.startsWith("--") ? t.substring(1) : t; // ip reads --json as -json
            if (!o.startsWith("-") || o.length() < 2) {
                break;
            }
            if ("-batch".startsWith(o)) {
                inner.add(unknown("ip", b));
                return WRAPPER;
            }
            if ("-all".startsWith(o)) {
                all = true;
            } else if ("-loops".startsWith(o) || "-family".startsWith(o) || "-netns".startsWith(o)
                    || (o.length() >= 3 && "-rcvbuf".startsWith(o))) {
                i++; // the option's value
            }
        }
        if (i + 1 >= args.size()) {
            return null;
        }
        ShellWord object = args.get(i);
        ShellWord verb = args.get(i + 1);
        if (object.isDynamic() || verb.isDynamic()) {
            inner.add(unknown("ip", b));
            return WRAPPER;
        }
        boolean netns = !object.text().isEmpty() && "netns".startsWith(object.text());
        boolean vrf = !object.text().isEmpty() && "vrf".startsWith(object.text());
        if (!(netns || vrf) || verb.text().isEmpty() || !"exec".startsWith(verb.text())) {
            return null;
        }
        int start = i + 2 + (netns && all ? 0 : 1); // the namespace's or VRF's name, but with -all
        if (start < args.size()) {
            inner.add(wrapped("ip", b, args.subList(start, args.size()), b.assignments));
        }
        return WRAPPER;
    }

    /**
     * The values of a long option ({@code --filter=CMD}, {@code --filter CMD}, or an abbreviation)
     * before {@code --}, each of which the program uses in turn; a word only known when the line
     * runs may be the option, with a value nobody knows ({@link #MAYBE}). Empty when the option is
     * not given.
     */
    private static List<ShellWord> longOptionValues(CommandBuilder b, String option) {
        List<ShellWord> args = b.arguments;
        List<ShellWord> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            ShellWord a = args.get(i);
            String t = a.text();
            if (a.isDynamic()) {
                out.add(MAYBE);
                continue;
            }
            if (t.equals("--")) {
                break;
            }
            int eq = t.indexOf('=');
            String opt = eq < 0 ? t : t.substring(0, eq);
            if (abbreviates(opt, option)) {
                if (eq >= 0) {
                    out.add(ShellWord.literal(t.substring(eq + 1)));
                } else if (i + 1 < args.size()) {
                    out.add(args.get(++i));
                }
            }
        }
        return out;
    }

    /** A word only known when the line runs, where an option may be: opaque, as tar is with one. */
    private static final ShellWord MAYBE = runtime("(option)");

    /** split --filter=CMD runs CMD with the shell for each piece. */
    private String split(CommandBuilder b, List<CommandBuilder> inner) throws ShellSyntaxException {
        List<ShellWord> filters = longOptionValues(b, "--filter");
        for (ShellWord filter : filters) {
            if (filter != MAYBE) {
                code("split", b, filter, inner);
            }
        }
        return filters.isEmpty() ? null : CODE;
    }

    /** sort --compress-program=PROG runs PROG to compress its temporary files. */
    private static String sort(CommandBuilder b, List<CommandBuilder> inner) {
        List<ShellWord> programs = longOptionValues(b, "--compress-program");
        for (ShellWord program : programs) {
            if (program != MAYBE) {
                inner.add(wrapped("sort", b, List.of(program, runtime("(arguments)")), b.assignments));
            }
        }
        return programs.isEmpty() ? null : WRAPPER;
    }

    private static final Set<String> CONTAINER_COMMANDS = Set.of("run", "exec", "create", "debug", "attach", "compose",
            "build");

    /** docker, podman, kubectl …: opaque when they run commands in a container (run, exec, debug, …). */
    private static String container(CommandBuilder b) {
        for (ShellWord a : b.arguments) {
            if (a.isDynamic() || CONTAINER_COMMANDS.contains(a.text())) {
                return "runs commands in a container";
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- programs with code in their arguments

    /** Opaque when an option that runs a program is given, or any argument is only known when the line runs. */
    private static String optionRunsCode(CommandBuilder b, String shortLetters, Set<String> longOptions, String reason) {
        for (ShellWord a : b.arguments) {
            if (a.isDynamic()) {
                return reason;
            }
            String t = a.text();
            if (t.equals("--")) {
                return null;
            }
            int eq = t.indexOf('=');
            String opt = eq < 0 ? t : t.substring(0, eq);
            if (longOptions.contains(opt)) {
                return reason;
            }
            for (String l : longOptions) {
                if (abbreviates(opt, l)) {
                    return reason; // GNU programs take any unambiguous abbreviation: --to-com
                }
            }
            if (t.startsWith("-") && !t.startsWith("--")) {
                for (int k = 1; k < t.length(); k++) {
                    if (shortLetters.indexOf(t.charAt(k)) >= 0) {
                        return reason;
                    }
                }
            }
        }
        return null;
    }

    private static String tar(CommandBuilder b) {
        String reason = "runs the programs its options name (--to-command, -I, --checkpoint-action, …)";
        String r = optionRunsCode(b, "IF", Set.of("--to-command", "--use-compress-program", "--checkpoint-action",
                "--info-script", "--new-volume-script", "--rsh-command", "--index-file"), reason);
        if (r != null) {
            return r;
        }
        // Old-style options: the first word without a dash is a cluster of option letters.
        if (!b.arguments.isEmpty() && !b.arguments.get(0).text().startsWith("-")) {
            String t = b.arguments.get(0).text();
            if (t.indexOf('I') >= 0 || t.indexOf('F') >= 0) {
                return reason;
            }
        }
        return null;
    }

    /** awk is opaque when its program can run commands or open files: system, getline, pipes, print redirections. */
    private static String awk(CommandBuilder b) {
        String reason = "an awk program that runs commands or opens files (system, getline, | or print >), or "
                + "one read from a file";
        List<ShellWord> args = b.arguments;
        boolean sandbox = false;
        ShellWord program = null;
        int i = 0;
        for (; i < args.size(); i++) {
            ShellWord a = args.get(i);
            if (a.isDynamic()) {
                return reason;
            }
            String t = a.text();
            if (t.equals("--")) {
                i++;
                break;
            }
            if (!t.startsWith("-") || t.equals("-")) {
                break;
            }
            if (t.equals("--sandbox") || t.equals("-S")) {
                sandbox = true;
            } else if (t.equals("-F") || t.equals("-v") || t.equals("--field-separator") || t.equals("--assign")) {
                i++;
            } else if (t.startsWith("-F") || t.startsWith("-v") || t.startsWith("--field-separator=")
                    || t.startsWith("--assign=")) {
                continue;
            } else if (t.equals("-e") || t.equals("--source")) {
                i++;
                program = i < args.size() ? args.get(i) : null;
            } else if (t.startsWith("--source=")) {
                program = ShellWord.literal(t.substring("--source=".length()));
            } else if (!Set.of("--posix", "--traditional", "--re-interval", "--characters-as-bytes", "-b", "-c",
                    "-P", "-r", "-N", "--use-lc-numeric", "-n", "--non-decimal-data", "-t", "--lint-old", "-M",
                    "--bignum", "-s", "--no-optimize", "-O", "--optimize").contains(t)) {
                return reason; // -f and -E read the program from a file; others this list does not know
            }
        }
        if (program == null) {
            program = i < args.size() ? args.get(i) : null;
        }
        if (program == null || program.isDynamic()) {
            return reason;
        }
        return !sandbox && awkRunsCode(program.text()) ? reason : null;
    }

    /** Whether an awk program may run a command or open a file. Errs towards yes. */
    static boolean awkRunsCode(String p) {
        int depth = 0;
        int printDepth = -1;
        int len = p.length();
        for (int i = 0; i < len; i++) {
            char c = p.charAt(i);
            if (c == '"') {
                for (i++; i < len && p.charAt(i) != '"'; i++) {
                    if (p.charAt(i) == '\\') {
                        i++;
                    }
                }
                continue;
            }
            if (Character.isLetter(c) || c == '_') {
                int e = i;
                while (e < len && (Character.isLetterOrDigit(p.charAt(e)) || p.charAt(e) == '_')) {
                    e++;
                }
                String word = p.substring(i, e);
                if (word.equals("system") || word.equals("getline")) {
                    return true;
                }
                if (word.equals("print") || word.equals("printf")) {
                    printDepth = depth;
                }
                i = e - 1;
                continue;
            }
            switch (c) {
                case '@' -> {
                    return true;
                }
                case '|' -> {
                    if (i + 1 < len && p.charAt(i + 1) == '|') {
                        i++;
                    } else {
                        return true;
                    }
                }
                case '(' -> depth++;
                case ')' -> depth--;
                case ';', '\n', '{', '}' -> {
                    if (depth <= printDepth) {
                        printDepth = -1;
                    }
                }
                case '>' -> {
                    if (printDepth >= 0 && depth == printDepth) {
                        return true;
                    }
                }
                default -> {
                }
            }
        }
        return false;
    }

    /** sed is opaque when a script can run commands or read and write files (e, r, R, w, W, s///e, s///w). */
    private static String sed(CommandBuilder b) {
        String reason = "a sed script that runs commands or reads or writes files (e, r, w, s///e), or one read "
                + "from a file";
        List<ShellWord> args = b.arguments;
        List<ShellWord> scripts = new ArrayList<>();
        boolean sandbox = false;
        int i = 0;
        boolean explicit = false;
        for (; i < args.size(); i++) {
            ShellWord a = args.get(i);
            if (a.isDynamic()) {
                return reason;
            }
            String t = a.text();
            if (t.equals("--")) {
                i++;
                break;
            }
            if (!t.startsWith("-") || t.equals("-")) {
                continue; // a file operand; scripts may follow (GNU reads options anywhere)
            }
            if (t.equals("--sandbox")) {
                sandbox = true;
            } else if (t.equals("-e") || t.equals("--expression")) {
                i++;
                explicit = true;
                if (i < args.size()) {
                    scripts.add(args.get(i));
                }
            } else if (t.startsWith("--expression=")) {
                explicit = true;
                scripts.add(ShellWord.literal(t.substring("--expression=".length())));
            } else if (t.equals("-l") || t.equals("--line-length")) {
                i++;
            } else if (t.startsWith("--")) {
                if (!Set.of("--quiet", "--silent", "--debug", "--posix", "--regexp-extended", "--separate",
                        "--unbuffered", "--null-data", "--zero-terminated", "--follow-symlinks").contains(t)
                        && !t.startsWith("--in-place") && !t.startsWith("--line-length=")) {
                    return reason;
                }
            } else {
                for (int k = 1; k < t.length(); k++) {
                    char ch = t.charAt(k);
                    if (ch == 'e') {
                        explicit = true;
                        String rest = t.substring(k + 1);
                        if (rest.isEmpty()) {
                            i++;
                            if (i < args.size()) {
                                scripts.add(args.get(i));
                            }
                        } else {
                            scripts.add(ShellWord.literal(rest));
                        }
                        break;
                    }
                    if (ch == 'i' || ch == 'l') {
                        break; // -i[SUFFIX], -lN
                    }
                    if ("nrEsuz".indexOf(ch) < 0) {
                        return reason; // -f reads the script from a file; others this list does not know
                    }
                }
            }
        }
        if (!explicit) {
            ShellWord first = null;
            for (ShellWord a : args) {
                if (!a.text().startsWith("-")) {
                    first = a;
                    break;
                }
            }
            if (first == null) {
                return reason;
            }
            scripts.add(first);
        }
        if (sandbox) {
            return null;
        }
        for (ShellWord script : scripts) {
            if (script.isDynamic() || !SedScript.isPlain(script.text())) {
                return reason;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- inner commands

    private static CommandBuilder wrapped(String wrapper, CommandBuilder outer, List<ShellWord> argv,
                                          List<Assignment> assignments) {
        CommandBuilder c = new CommandBuilder();
        c.program = argv.get(0);
        c.arguments.addAll(argv.subList(1, argv.size()));
        c.assignments.addAll(assignments);
        c.redirections.addAll(outer.redirections);
        c.joint = outer.joint;
        c.origin = Origin.WRAPPED;
        c.depth = outer.depth + 1;
        c.wrappers = with(outer.wrappers, wrapper);
        c.position = outer.position;
        return c;
    }

    /** The command a wrapper runs when it cannot be read: a program only known when the line runs. */
    private static CommandBuilder unknown(String wrapper, CommandBuilder outer) {
        return wrapped(wrapper, outer, List.of(runtime("(unknown)")), outer.assignments);
    }

    private static ShellWord runtime(String text) {
        return new ShellWord(text, EnumSet.of(Expansion.RUNTIME), null);
    }

    private static List<String> with(List<String> list, String more) {
        List<String> out = new ArrayList<>(list.size() + 1);
        out.addAll(list);
        out.add(more);
        return List.copyOf(out);
    }
}

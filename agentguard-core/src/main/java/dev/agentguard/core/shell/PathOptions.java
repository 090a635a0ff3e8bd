package dev.agentguard.core.shell;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What well-known programs' options say about the files their arguments name: an option that
 * changes the directory later paths are relative to ({@code tar -C /etc shadow}), a command run in
 * another directory ({@code sudo -D /etc cat shadow}, {@code find -execdir}), and reading the
 * directories named with everything under them ({@code grep -r}, {@code tar}, {@code cp -r}).
 *
 * <p>Every answer errs in the direction that fails closed: an option only known when the line
 * runs may be the one asked about, and a long option may be abbreviated as GNU programs allow
 * ({@code --dir} for {@code --directory}).
 */
final class PathOptions {

    /**
     * Options of one program.
     *
     * @param letters     single-letter options, alone or in a cluster ({@code -C}, {@code -xzC})
     * @param longOptions long options, abbreviations included
     * @param oldStyle    whether the first argument without a dash is a cluster of option letters ({@code tar cC / x})
     */
    private record Options(String letters, Set<String> longOptions, boolean oldStyle) {
    }

    private static final Options TAR_DIRECTORY = new Options("C", Set.of("--directory"), true);
    private static final Options MAKE_DIRECTORY = new Options("C", Set.of("--directory"), false);

    /** Options after which relative paths are relative to a directory the command was told to change to. */
    private static final Map<String, Options> DIRECTORY_OPTIONS = Map.of(
            "tar", TAR_DIRECTORY, "gtar", TAR_DIRECTORY, "bsdtar", TAR_DIRECTORY,
            "git", new Options("C", Set.of("--work-tree"), false),
            "make", MAKE_DIRECTORY, "gmake", MAKE_DIRECTORY,
            "patch", new Options("d", Set.of("--directory"), false),
            "cpio", new Options("D", Set.of("--directory"), false),
            "ninja", new Options("C", Set.of(), false));

    /** Options with which a wrapper runs its command in another directory, or a login shell in the user's home. */
    private static final Map<String, Options> ELSEWHERE_OPTIONS = Map.of(
            "sudo", new Options("Di", Set.of("--chdir", "--login"), false),
            "env", new Options("C", Set.of("--chdir"), false),
            "su", new Options("l", Set.of("--login"), false),
            "runuser", new Options("l", Set.of("--login"), false),
            "find", new Options("", Set.of("-execdir", "-okdir"), false));

    /**
     * The options of those wrappers that take a value, so that their own options are told from
     * their program's ({@code sudo -u root -D /etc cat}, but {@code sudo grep -i}).
     */
    private static final Map<String, String> WRAPPER_VALUE_LETTERS = Map.of("sudo", "CDghpRrtTUu", "env", "uCSP",
            "su", "cgGsw", "runuser", "cgGsuw");
    private static final Set<String> WRAPPER_LONG_VALUES = Set.of("--close-from", "--chdir", "--group", "--host",
            "--prompt", "--chroot", "--role", "--type", "--command-timeout", "--other-user", "--user", "--unset",
            "--split-string", "--command", "--session-command", "--shell", "--supp-group", "--whitelist-environment");

    /** Programs that read the directories they name with everything under them, whatever the options. */
    private static final Set<String> ALWAYS_RECURSIVE = Set.of("tar", "gtar", "bsdtar", "zip", "7z", "7za", "7zr",
            "jar", "rsync", "find", "rg", "ag", "ack", "ack-grep", "rgrep", "mv");

    private static final Options GREP_RECURSIVE = new Options("rRd",
            Set.of("--recursive", "--dereference-recursive", "--directories"), false);
    private static final Options CHANGE_RECURSIVE = new Options("R", Set.of("--recursive"), false);
    private static final Options HASH_RECURSIVE = new Options("r", Set.of(), false);

    /** Programs that do so with an option ({@code grep -r}, {@code cp -a}, {@code chmod -R}). */
    private static final Map<String, Options> RECURSIVE_OPTIONS = Map.ofEntries(
            Map.entry("grep", GREP_RECURSIVE), Map.entry("egrep", GREP_RECURSIVE), Map.entry("fgrep", GREP_RECURSIVE),
            Map.entry("cp", new Options("rRa", Set.of("--recursive", "--archive"), false)),
            Map.entry("scp", new Options("r", Set.of(), false)),
            Map.entry("rm", new Options("rR", Set.of("--recursive"), false)),
            Map.entry("chmod", CHANGE_RECURSIVE), Map.entry("chown", CHANGE_RECURSIVE),
            Map.entry("chgrp", CHANGE_RECURSIVE), Map.entry("setfacl", CHANGE_RECURSIVE),
            Map.entry("getfacl", CHANGE_RECURSIVE), Map.entry("chattr", CHANGE_RECURSIVE),
            Map.entry("diff", new Options("r", Set.of("--recursive"), false)),
            Map.entry("md5deep", HASH_RECURSIVE), Map.entry("sha1deep", HASH_RECURSIVE),
            Map.entry("sha256deep", HASH_RECURSIVE), Map.entry("hashdeep", HASH_RECURSIVE));

    private PathOptions() {
    }

    /** See {@link ShellCommand#directoryOptionAt()}. */
    static int directoryOptionAt(String program, List<ShellWord> arguments) {
        Options o = program == null ? null : DIRECTORY_OPTIONS.get(program);
        return o == null ? -1 : firstUse(o, arguments, arguments.size());
    }

    /** Whether the command runs what it runs in a directory other than the line's (see {@link ShellLine#changesDirectory()}). */
    static boolean runsElsewhere(String program, List<ShellWord> arguments) {
        if ("ssh".equals(program)) {
            return true; // its commands run in the remote user's home
        }
        Options o = program == null ? null : ELSEWHERE_OPTIONS.get(program);
        if (o == null) {
            return false;
        }
        if (program.equals("su") || program.equals("runuser")) {
            for (ShellWord w : arguments) {
                if (w.isLiteral() && w.text().equals("-")) {
                    return true; // su - root: a login shell, in root's home
                }
            }
        }
        // A wrapper's own options come before its program; find's actions may come anywhere.
        return firstUse(o, arguments, program.equals("find") ? arguments.size() : optionsEnd(program, arguments)) >= 0;
    }

    /** See {@link ShellCommand#readsRecursively()}. */
    static boolean readsRecursively(String program, List<ShellWord> arguments) {
        if (program == null) {
            return false;
        }
        if (ALWAYS_RECURSIVE.contains(program)) {
            return true;
        }
        Options o = RECURSIVE_OPTIONS.get(program);
        return o != null && firstUse(o, arguments, arguments.size()) >= 0;
    }

    /** The index of the first word before {@code end} that is, or may be, one of the options; -1 when none is. */
    private static int firstUse(Options o, List<ShellWord> arguments, int end) {
        for (int i = 0; i < end; i++) {
            ShellWord w = arguments.get(i);
            if (w.isDynamic()) {
                return i; // only known when the line runs: it may be the option
            }
            String t = w.text();
            if (t.startsWith("--") && t.length() > 2) {
                int eq = t.indexOf('=');
                String name = eq < 0 ? t : t.substring(0, eq);
                for (String l : o.longOptions()) {
                    // GNU programs take any unambiguous abbreviation: --dir is --directory, --r rm's --recursive.
                    if (CommandAnalysis.abbreviates(name, l)) {
                        return i;
                    }
                }
            } else if (t.startsWith("-") && t.length() > 1) {
                if (o.longOptions().contains(t)) {
                    return i; // find's single-dash actions
                }
                for (int k = 1; k < t.length(); k++) {
                    if (o.letters().indexOf(t.charAt(k)) >= 0) {
                        return i;
                    }
                }
            } else if (i == 0 && o.oldStyle()) {
                for (int k = 0; k < t.length(); k++) {
                    if (o.letters().indexOf(t.charAt(k)) >= 0) {
                        return i;
                    }
                }
            }
        }
        return -1;
    }

    /** The index of a wrapper's first word after its own options and their values: its program. */
    private static int optionsEnd(String wrapper, List<ShellWord> arguments) {
        String values = WRAPPER_VALUE_LETTERS.get(wrapper);
        for (int i = 0; i < arguments.size(); i++) {
            ShellWord w = arguments.get(i);
            String t = w.text();
            if (w.isDynamic()) {
                return arguments.size(); // the wrapper runs an unknown program, in an unknown directory
            }
            if (t.equals("--") || !t.startsWith("-") || t.equals("-")) {
                if (t.equals("-") || (t.indexOf('=') > 0 && wrapper.equals("env"))) {
                    continue; // env -, env NAME=value
                }
                return i;
            }
            if (t.startsWith("--")) {
                if (t.indexOf('=') < 0 && WRAPPER_LONG_VALUES.contains(t)) {
                    i++;
                }
                continue;
            }
            for (int k = 1; k < t.length(); k++) {
                if (values.indexOf(t.charAt(k)) >= 0) {
                    if (k == t.length() - 1) {
                        i++;
                    }
                    break;
                }
            }
        }
        return arguments.size();
    }
}

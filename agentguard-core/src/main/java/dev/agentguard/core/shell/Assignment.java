package dev.agentguard.core.shell;

import java.util.Objects;
import java.util.Set;

/**
 * A variable assignment: before a command ({@code LANG=C sort}), or on its own
 * ({@code X=1; …}).
 *
 * @param name   the variable, with its subscript when it has one ({@code a[2]})
 * @param value  the value; for an array assignment ({@code a=(x y)}) the whole list as one word
 * @param append whether it was written {@code +=}
 */
public record Assignment(String name, ShellWord value, boolean append) {

    /**
     * Variables that change which program runs or what code it loads: an assignment to one of
     * them makes the command's program unknown (see {@link ShellCommand#runsUnknownProgram()}).
     */
    public static final Set<String> EXECUTION_VARIABLES = Set.of("PATH", "IFS", "ENV", "BASH_ENV", "SHELLOPTS",
            "BASHOPTS", "PS4", "PROMPT_COMMAND", "CDPATH", "GLOBIGNORE", "HOME", "SHELL", "EDITOR", "VISUAL",
            "PAGER", "MANPAGER", "MANOPT", "LESSOPEN", "LESSCLOSE", "BROWSER", "GCONV_PATH", "LOCPATH", "NLSPATH",
            "GLIBC_TUNABLES", "NODE_OPTIONS", "NODE_PATH", "RUBYOPT", "RUBYLIB", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS",
            "JDK_JAVA_OPTIONS", "SUDO_ASKPASS", "SSH_ASKPASS", "TERMINFO", "ZDOTDIR", "INPUTRC", "HISTFILE",
            "TMOUT", "EXECIGNORE");

    /** Prefixes of {@link #EXECUTION_VARIABLES}: {@code LD_PRELOAD}, {@code PYTHONPATH}, {@code GIT_SSH_COMMAND}, … */
    public static final Set<String> EXECUTION_VARIABLE_PREFIXES = Set.of("LD_", "DYLD_", "BASH_FUNC_", "BASH_",
            "PYTHON", "PERL", "GIT_", "LUA_", "PHP_", "MALLOC_");

    public Assignment {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("an assignment names a variable");
        }
    }

    /** The variable's name without a subscript. */
    public String variable() {
        int bracket = name.indexOf('[');
        return bracket < 0 ? name : name.substring(0, bracket);
    }

    /** Whether the variable changes which program runs or what it loads ({@code PATH}, {@code LD_PRELOAD}, …). */
    public boolean changesExecution() {
        String v = variable();
        if (EXECUTION_VARIABLES.contains(v)) {
            return true;
        }
        for (String p : EXECUTION_VARIABLE_PREFIXES) {
            if (v.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the shell evaluates something here as code: a subscript or value that does arithmetic on variables. */
    public boolean evaluates() {
        if (value.evaluates()) {
            return true;
        }
        int bracket = name.indexOf('[');
        return bracket >= 0 && !ShellParser.isPlainSubscript(name.substring(bracket + 1, name.length() - 1));
    }

    @Override
    public String toString() {
        return "Assignment[" + name + (append ? "+=" : "=") + value + "]";
    }
}

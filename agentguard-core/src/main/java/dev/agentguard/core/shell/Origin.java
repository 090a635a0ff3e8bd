package dev.agentguard.core.shell;

/** Where in a line a command was found; every one of them is checked like a top-level command. */
public enum Origin {
    /** A command of the line itself. */
    LINE,
    /** Inside {@code $( … )} or backquotes. */
    COMMAND_SUBSTITUTION,
    /** Inside {@code <( … )} or {@code >( … )}. */
    PROCESS_SUBSTITUTION,
    /** Inside a {@code ( … )} sub-shell. */
    SUBSHELL,
    /** Inside a {@code { …; }} group. */
    GROUP,
    /** In the body of {@code if}, {@code while}, {@code until}, {@code for}, {@code select}, {@code case} or a function. */
    COMPOUND,
    /**
     * Run by another program: the command a wrapper runs ({@code sudo cat …}, {@code env cat …}),
     * the one {@code xargs} runs, or the one {@code find -exec} runs. {@link ShellCommand#wrappers()}
     * names the programs around it.
     */
    WRAPPED,
    /**
     * Code a program receives as text and runs as shell code: {@code sh -c '…'}, {@code eval …},
     * {@code ssh host '…'}, or a here-document or here-string fed to a shell.
     */
    SHELL_CODE
}

package dev.agentguard.core.shell;

/**
 * What makes a word's value depend on the moment the line runs. A word with any expansion is
 * dynamic: a policy cannot know what it will be, so an allow rule never relies on it and a deny
 * rule treats it as possibly anything.
 */
public enum Expansion {
    /** {@code $name}, {@code ${name}}, {@code $1}, {@code $@} and the other parameter expansions. */
    PARAMETER,
    /** {@code $( … )} or {@code `…`}: the output of other commands. */
    COMMAND_SUBSTITUTION,
    /** {@code <( … )} or {@code >( … )}: a {@code /dev/fd} path to other commands' output or input. */
    PROCESS_SUBSTITUTION,
    /** {@code $(( … ))} or the older {@code $[ … ]}: arithmetic. */
    ARITHMETIC,
    /**
     * The shell evaluates a variable's value as code: arithmetic that reads variables
     * ({@code $((x))}, {@code ${a[i]}}, {@code ${s:n}}), indirection ({@code ${!x}}) and
     * transformations such as {@code ${x@P}}. A value like {@code a[$(cmd)]} runs {@code cmd},
     * so the command holding such a word is opaque.
     */
    EVALUATION,
    /** Unquoted {@code *}, {@code ?} or {@code [ … ]}: pathname expansion. */
    GLOB,
    /** Unquoted {@code {a,b}} or {@code {1..3}}: brace expansion. */
    BRACE,
    /** Unquoted {@code ~} at the start of a word or after {@code =} or {@code :}: a home directory. */
    TILDE,
    /** Unquoted {@code =} starting a word: zsh replaces {@code =cat} with the path of {@code cat}. */
    EQUALS,
    /** {@code $'…'}: ANSI-C quoting, whose escapes ({@code \x63}) the policy does not decode. */
    ANSI_C_QUOTING,
    /** {@code $"…"}: a string translated through the locale. */
    LOCALE_QUOTING,
    /** {@code !} followed by a word: an interactive shell's history expansion ({@code !!}, {@code !cat}). */
    HISTORY,
    /**
     * A word another program fills in when it runs, which the line does not show: the arguments
     * {@code xargs} reads from its input, the file names {@code find -exec} puts for {@code {}}, and
     * the program a wrapper runs when its options are not ones AgentGuard can read.
     */
    RUNTIME
}

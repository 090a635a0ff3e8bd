/**
 * Shell command lines as a policy sees them: {@link dev.agentguard.core.shell.ShellLine#parse}
 * tokenises and parses one POSIX shell line (with the bash extensions agents type) into every
 * simple command it would run — nested ones from command substitutions, sub-shells, groups,
 * compound commands, wrappers such as {@code sudo} and code passed to {@code sh -c} included —
 * with quotes removed, words whose value is only known when the line runs marked dynamic, and
 * programs that run code the policy cannot see marked opaque. A line that cannot be read exactly
 * is a {@link dev.agentguard.core.shell.ShellSyntaxException}, which a policy denies.
 */
package dev.agentguard.core.shell;

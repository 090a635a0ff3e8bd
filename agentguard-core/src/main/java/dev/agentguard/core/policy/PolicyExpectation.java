package dev.agentguard.core.policy;

import dev.agentguard.audit.Channel;
import dev.agentguard.core.action.HttpAction;
import dev.agentguard.core.action.SshAction;
import dev.agentguard.core.identity.AgentIdentity;

import java.util.Objects;

/**
 * An expectation written beside the rules in a policy file, like a unit test for the policy:
 * "this agent running this action gets this effect, from this rule". {@code agentguard policy
 * test} analyses each action with its channel (the SQL analyser for JDBC) and checks the verdict,
 * so a compliance team can change a rule and see at once what it breaks.
 *
 * @param name    a short label for reports, or {@code null}
 * @param agent   the identity the action is decided for
 * @param channel the channel whose text {@code action} is: {@link Channel#JDBC} for SQL,
 *                {@link Channel#HTTP} for a request line, {@link Channel#SSH} for a command line
 * @param action  the action as the agent would send it: the SQL text, for HTTP a request line
 *                such as {@code POST https://api.example.com/v1/refunds}
 *                ({@link HttpAction#ofRequestLine}), for SSH the command line
 * @param intent  the purpose the agent states, or {@code null}
 * @param effect  the expected effect
 * @param ruleId  the expected rule id ({@value Verdict#DEFAULT_RULE} for the policy default), or
 *                {@code null} when any rule will do
 * @param line    the line of the policy file that defines it, 0 when built in Java
 * @param ssh     for {@link Channel#SSH}: where the command line runs; {@code null} for other channels
 */
public record PolicyExpectation(String name, AgentIdentity agent, Channel channel, String action, String intent,
                                Effect effect, String ruleId, int line, SshTarget ssh) {

    /**
     * Where an SSH expectation's command line runs.
     *
     * @param host             the host
     * @param user             the user the session logs in as, or {@code null} when any
     * @param workingDirectory the absolute directory relative paths start from, or {@code null} when
     *                         unknown (relative paths may then be anywhere)
     * @param interactive      whether the line is typed into an interactive shell session
     */
    public record SshTarget(String host, String user, String workingDirectory, boolean interactive) {

        public SshTarget {
            Objects.requireNonNull(host, "host");
        }

        /** A command run on {@code host} by exec, for an unknown user, from an unknown directory. */
        public static SshTarget host(String host) {
            return new SshTarget(host, null, null, false);
        }
    }

    public PolicyExpectation {
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(effect, "effect");
        if (action.isBlank()) {
            throw new IllegalArgumentException("an expectation needs the action to decide: the "
                    + switch (channel) {
                        case HTTP -> "HTTP request line";
                        case SSH -> "command line";
                        default -> "SQL text";
                    } + " is blank");
        }
        if (channel == Channel.HTTP) {
            HttpAction.ofRequestLine(action); // throws, naming what is wrong
        }
        if ((channel == Channel.SSH) != (ssh != null)) {
            throw new IllegalArgumentException(channel == Channel.SSH
                    ? "an SSH expectation names the host its command line runs on"
                    : "only an SSH expectation has an SSH target");
        }
        if (ssh != null) {
            // Throws for a malformed host, user or directory; an unreadable line is a valid expectation (denied).
            SshAction.parse(ssh.host(), ssh.user(), action, ssh.interactive(), ssh.workingDirectory());
        }
        if (name != null && name.isBlank()) {
            name = null;
        }
        if (intent != null && intent.isBlank()) {
            intent = null;
        }
        if (line < 0) {
            throw new IllegalArgumentException("line must be 0 (unknown) or positive, got " + line);
        }
    }

    /** An expectation for SQL or HTTP, as before SSH expectations existed. */
    public PolicyExpectation(String name, AgentIdentity agent, Channel channel, String action, String intent,
                             Effect effect, String ruleId, int line) {
        this(name, agent, channel, action, intent, effect, ruleId, line, null);
    }

    /** An expectation for SQL text, with no name, intent or source line. */
    public static PolicyExpectation sql(AgentIdentity agent, String sql, Effect effect, String ruleId) {
        return new PolicyExpectation(null, agent, Channel.JDBC, sql, null, effect, ruleId, 0);
    }

    /**
     * An expectation for an HTTP request line such as {@code POST https://api.example.com/v1/refunds},
     * with no name, intent or source line.
     *
     * @throws IllegalArgumentException when the text is not {@code METHOD URL} with an http or https URL
     */
    public static PolicyExpectation http(AgentIdentity agent, String requestLine, Effect effect, String ruleId) {
        return new PolicyExpectation(null, agent, Channel.HTTP, requestLine, null, effect, ruleId, 0);
    }

    /**
     * An expectation for a command line run by exec on {@code host}, for an unknown user from an
     * unknown directory, with no name, intent or source line.
     *
     * @throws IllegalArgumentException when the host is not a host name or address
     */
    public static PolicyExpectation ssh(AgentIdentity agent, String host, String commandLine, Effect effect,
                                        String ruleId) {
        return new PolicyExpectation(null, agent, Channel.SSH, commandLine, null, effect, ruleId, 0,
                SshTarget.host(host));
    }

    /**
     * The SSH action this expectation decides: its command line parsed (or recorded as unreadable)
     * for its target.
     *
     * @throws IllegalStateException when this is not an SSH expectation
     */
    public SshAction sshAction() {
        if (ssh == null) {
            throw new IllegalStateException("not an SSH expectation: its channel is " + channel);
        }
        return SshAction.parse(ssh.host(), ssh.user(), action, ssh.interactive(), ssh.workingDirectory());
    }

    /**
     * A label for reports: the name, else the line, else the agent. Never the action text, which
     * may hold literal values.
     */
    public String label() {
        if (name != null) {
            return name;
        }
        if (line > 0) {
            return "expectation at line " + line;
        }
        return "expectation for agent " + agent.agentId();
    }
}

package dev.agentguard.core.policy;

import dev.agentguard.audit.Channel;
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
 *                {@link Channel#HTTP} for a request line (SSH expectations arrive with their channel)
 * @param action  the action as the agent would send it: the SQL text, or for HTTP a request line
 *                such as {@code POST https://api.example.com/v1/refunds}
 *                ({@link dev.agentguard.core.action.HttpAction#ofRequestLine})
 * @param intent  the purpose the agent states, or {@code null}
 * @param effect  the expected effect
 * @param ruleId  the expected rule id ({@value Verdict#DEFAULT_RULE} for the policy default), or
 *                {@code null} when any rule will do
 * @param line    the line of the policy file that defines it, 0 when built in Java
 */
public record PolicyExpectation(String name, AgentIdentity agent, Channel channel, String action, String intent,
                                Effect effect, String ruleId, int line) {

    public PolicyExpectation {
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(effect, "effect");
        if (action.isBlank()) {
            throw new IllegalArgumentException("an expectation needs the action to decide: the "
                    + (channel == Channel.HTTP ? "HTTP request line" : "SQL text") + " is blank");
        }
        if (channel == Channel.HTTP) {
            dev.agentguard.core.action.HttpAction.ofRequestLine(action); // throws, naming what is wrong
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

package dev.agentguard.cli;

import dev.agentguard.audit.Channel;
import dev.agentguard.core.action.Action;
import dev.agentguard.core.action.SshAction;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.policy.Effect;
import dev.agentguard.core.policy.Policy;
import dev.agentguard.core.policy.Rule;
import dev.agentguard.core.policy.Verdict;
import dev.agentguard.core.shell.ShellCommand;

import java.util.ArrayList;
import java.util.List;

/**
 * One SSH command line decided by a policy the way the guarded SSH client would decide it,
 * running nothing. Shared by {@code policy check --ssh} and {@code policy test}.
 *
 * @param text           the command line through the text detectors (a card number in an argument
 *                       is masked); safe to print
 * @param action         what the policy saw
 * @param verdict        the policy's answer
 * @param intentRequired the approval rule that decided refuses, without asking anyone, an agent
 *                       that states no intent
 */
record CheckedCommand(String text, SshAction action, Verdict verdict, boolean intentRequired) {

    /** Parses {@code commandLine} for {@code host} (as {@code user}, when known) and decides it. */
    static CheckedCommand decide(Policy policy, AgentIdentity identity, String host, String user, String commandLine)
            throws InputException {
        SshAction action;
        try {
            action = SshAction.parse(host, user, commandLine, false, null);
        } catch (IllegalArgumentException e) {
            throw new InputException("--ssh " + e.getMessage());
        }
        return decide(policy, identity, action, commandLine);
    }

    /** Decides {@code action}, whose command line as typed was {@code commandLine}. */
    static CheckedCommand decide(Policy policy, AgentIdentity identity, SshAction action, String commandLine) {
        String text = policy.masking().masker().maskText(commandLine, null);
        Verdict verdict = policy.decide(identity, new Action(Channel.SSH, action.host(), text, action));
        boolean intentRequired = verdict.effect() == Effect.REQUIRE_APPROVAL
                && policy.rule(verdict.ruleId()).map(Rule::requireIntent).orElse(false);
        return new CheckedCommand(text, action, verdict, intentRequired);
    }

    /**
     * One line per simple command the line runs, nested ones included: {@code grep (2 arguments)},
     * {@code sh (1 argument), opaque: …, inside: sudo}. Arguments themselves are not shown.
     */
    List<String> commands() {
        List<String> lines = new ArrayList<>();
        if (action.isUnreadable()) {
            lines.add("unreadable: " + action.unreadableReason() + " (always denied)");
            return lines;
        }
        for (ShellCommand c : action.command().commands()) {
            if (c.isInert()) {
                continue;
            }
            StringBuilder b = new StringBuilder();
            if (c.program() == null) {
                b.append("(redirection or assignment only)");
            } else if (c.runsUnknownProgram()) {
                b.append("a program known only when the line runs (never allowed)");
            } else {
                b.append(c.programName()).append(" (").append(c.arguments().size())
                        .append(c.arguments().size() == 1 ? " argument)" : " arguments)");
            }
            if (!c.redirections().isEmpty()) {
                b.append(", ").append(c.redirections().size())
                        .append(c.redirections().size() == 1 ? " redirection" : " redirections");
            }
            if (!c.wrappers().isEmpty()) {
                b.append(", run by ").append(String.join(" ", c.wrappers()));
            }
            if (c.isOpaque()) {
                b.append(", opaque: ").append(c.opaqueReason());
            }
            if (c.depth() > 0) {
                b.append(", nested ").append(c.depth());
            }
            lines.add(b.toString());
        }
        return lines;
    }
}

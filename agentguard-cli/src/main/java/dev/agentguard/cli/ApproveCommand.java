package dev.agentguard.cli;

import picocli.CommandLine.Command;

/** {@code agentguard approvals approve}: grants one pending request, signed with the operator's key. */
@Command(name = "approve",
        mixinStandardHelpOptions = true,
        description = {
                "Approves the pending request ID in DIR: signs the decision (a JWS) with your key and hands it to the "
                        + "waiting agent, which verifies it and journals it as evidence.",
                "Refused here already when the guard would refuse it: you are the agent or the person it acts for, "
                        + "you approved this request before, or the rule wants approvers from groups you did not name."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  agentguard approvals approve /srv/approvals apr-1b4e… \\",
                "      --key ~/keys/bob.pem --as bob@example.com \\",
                "      --reason 'duplicate charge, ticket T-7' --group payments-leads"})
final class ApproveCommand extends DecideCommand {
    @Override
    boolean approves() {
        return true;
    }
}

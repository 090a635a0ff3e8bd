package dev.agentguard.cli;

import picocli.CommandLine.Command;

/** {@code agentguard approvals deny}: refuses one pending request, signed with the operator's key. */
@Command(name = "deny",
        mixinStandardHelpOptions = true,
        description = {
                "Refuses the pending request ID in DIR: signs the refusal (a JWS) with your key and hands it to the "
                        + "waiting agent. Any refusal refuses the action, however many approvals came before."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  agentguard approvals deny /srv/approvals apr-1b4e… \\",
                "      --key ~/keys/bob.pem --as bob@example.com \\",
                "      --reason 'no ticket for this refund'"})
final class DenyCommand extends DecideCommand {
    @Override
    boolean approves() {
        return false;
    }
}

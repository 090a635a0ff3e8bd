package dev.agentguard.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code agentguard approvals}: operators decide the approval requests of agents that use a directory approver. */
@Command(name = "approvals",
        mixinStandardHelpOptions = true,
        description = {
                "Decides just-in-time approval requests waiting in an approvals directory (an agent configured "
                        + "with a DirectoryApprover writes one JSON file per request).",
                "'list' shows what waits; 'approve' and 'deny' sign the decision with your key and hand it to the "
                        + "waiting agent, which verifies it against your public key."},
        subcommands = {ApprovalsListCommand.class, ApproveCommand.class, DenyCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {
                "  agentguard approvals list /srv/approvals",
                "  agentguard approvals approve /srv/approvals apr-1b4e… \\",
                "      --key ~/keys/bob.pem --as bob@example.com --reason 'ticket T-7'",
                "  agentguard approvals deny /srv/approvals apr-1b4e… \\",
                "      --key ~/keys/bob.pem --as bob@example.com --reason 'no ticket'"})
final class ApprovalsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Without a subcommand there is nothing to do: show what there is. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE_OR_UNREADABLE_INPUT;
    }
}

package dev.agentguard.cli;

import dev.agentguard.core.approval.DirectoryApprover;
import dev.agentguard.core.approval.PendingApproval;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/** {@code agentguard approvals list}: the requests waiting in an approvals directory. */
@Command(name = "list",
        mixinStandardHelpOptions = true,
        description = {
                "Lists the approval requests waiting in DIR, oldest first: who asks, under which rule, for which "
                        + "(redacted) action, with what stated intent, and how many approvals it still needs.",
                "With --json, prints each request document (the JSON the agent wrote) on a line of its own."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  agentguard approvals list /srv/approvals",
                "  agentguard approvals list /srv/approvals --json | jq -r .requestId"})
final class ApprovalsListCommand extends ToolCommand {
    @Parameters(index = "0", paramLabel = "DIR", description = "The approvals directory.")
    Path directory;

    @Override
    int run() throws Exception {
        List<PendingApproval> pending = DirectoryApprover.pending(directory);
        if (json()) {
            for (PendingApproval p : pending) {
                out().println(p.toJson());
            }
            return ExitCodes.OK;
        }
        if (pending.isEmpty()) {
            out().println("No pending approval requests.");
        }
        for (PendingApproval p : pending) {
            print(p, out());
        }
        return ExitCodes.OK;
    }

    /** One request as a block; everything the agent wrote is escaped, so it cannot steer the terminal. */
    static void print(PendingApproval p, PrintWriter out) {
        out.println(p.requestId());
        out.println("  agent        " + SafeText.escape(p.agentId())
                + (p.onBehalfOf() == null ? "" : ", for " + SafeText.escape(p.onBehalfOf())));
        out.println("  rule         " + SafeText.escape(p.ruleId()));
        out.println("  action       " + SafeText.escape(p.channel()) + " " + SafeText.escape(p.resource()) + ": "
                + SafeText.escape(p.actionText()));
        out.println("  intent       " + (p.intent() == null ? "(none stated)" : SafeText.escape(p.intent())));
        out.println("  approvals    " + p.approvedBy().size() + " of " + p.approvalsNeeded()
                + (p.approvedBy().isEmpty() ? "" : " (approved by " + SafeText.escape(String.join(", ", p.approvedBy()))
                + ")")
                + (p.approverGroups().isEmpty() ? "" : "; approvers from " + SafeText.escape(String.join(", ",
                p.approverGroups()))));
        out.println("  grant        " + (p.grantWindow() == null ? "this action only"
                : "later actions of the same rule, agent and resource for " + p.grantWindow()));
        out.println("  waiting      since " + p.createdAt() + (p.deadline() == null ? "" : ", until " + p.deadline()));
        out.println("  action hash  " + p.actionHash());
    }

    @Override
    Path resource() {
        return directory;
    }
}

package dev.agentguard.samples;

import dev.agentguard.core.approval.ApprovalDecision;
import dev.agentguard.core.approval.ApprovalRequest;
import dev.agentguard.core.approval.Approver;
import dev.agentguard.core.approval.DecisionClaims;
import dev.agentguard.core.approval.DecisionSigner;
import dev.agentguard.core.approval.SignedDecision;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The sample's stand-in for a person on call: answers each approval request at once, the way
 * a supervisor would after checking the ticket the agent cites, and signs the decision with
 * their own key so that the journal carries verifiable evidence. A real deployment uses a
 * {@code WebhookApprover} (a chat or ticket tool) or a {@code DirectoryApprover} with
 * {@code agentguard approvals approve} (docs/approvals.md).
 */
final class OnCallSupervisor implements Approver {
    static final String NAME = "carol@example.com";

    private final DecisionSigner signer;
    private final PrintStream out;
    private final Clock clock;

    OnCallSupervisor(DecisionSigner signer, PrintStream out, Clock clock) {
        this.signer = signer;
        this.out = out;
        this.clock = clock;
    }

    @Override
    public CompletionStage<ApprovalDecision> request(ApprovalRequest request) {
        // A refund that names its ticket is approved; anything else is refused with the reason.
        boolean approved = request.intent() != null && request.intent().contains("ticket ");
        String reason = approved ? "refund matches the customer's ticket" : "no ticket named; ask the customer first";
        out.println("   .. approval asked of " + NAME + " (rule " + request.ruleId() + ", intent \"" + request.intent()
                + "\"): " + (approved ? "approved" : "refused"));
        DecisionClaims claims = DecisionClaims.of(approved, request.requestId(), request.actionHash(), NAME, reason,
                clock.instant(), Duration.ofMinutes(5));
        String compact = signer.sign(claims);
        return CompletableFuture.completedFuture(
                ApprovalDecision.of(new SignedDecision(claims, signer.keyId(), signer.algorithm(), compact)));
    }
}

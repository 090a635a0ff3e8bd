package dev.agentguard.core.approval;

import java.util.concurrent.CompletionStage;

/**
 * Decides approval requests: a person in a chat tool, a ticketing system, a second agent with a
 * human in the loop. The guard calls {@link #request} once per action that needs approval and
 * waits for the stage up to its approval timeout; it cancels the stage (where it can) when the
 * timeout passes. A stage that fails, or a {@code request} that throws, refuses the action.
 */
@FunctionalInterface
public interface Approver {

    /**
     * Asks for a decision on {@code request}. Must not block: return a stage that completes when
     * someone has decided.
     */
    CompletionStage<ApprovalDecision> request(ApprovalRequest request);
}

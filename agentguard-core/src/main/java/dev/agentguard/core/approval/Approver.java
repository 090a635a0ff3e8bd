package dev.agentguard.core.approval;

import java.util.concurrent.CompletionStage;

/**
 * Decides approval requests: a person in a chat tool, a ticketing system, a second agent with a
 * human in the loop. The guard calls {@link #request} once per approval an action needs and
 * waits for the stage up to its approval timeout; it cancels the stage (where it can) when the
 * timeout passes. A stage that fails, or a {@code request} that throws, refuses the action.
 *
 * <p>When a rule needs several approvals, the guard calls {@code request} again with the same
 * request id after each approval ({@link ApprovalRequest#approvedBy()} grows); an approver keeps
 * one pending entry per request id and replaces it. The guard then calls
 * {@link #requestClosed} once, however the request ended.
 *
 * <p>The guard itself enforces the rule's terms on every decision: no self-approval, the
 * approver groups, different approvers, any refusal wins. An approver that accepts signed
 * decisions verifies them (with a {@link DecisionVerifier}) before it completes the stage, and
 * fails the stage with {@link RejectedDecisionException} when a token does not hold.
 */
@FunctionalInterface
public interface Approver {

    /**
     * Asks for a decision on {@code request}. Must not block: return a stage that completes when
     * someone has decided.
     */
    CompletionStage<ApprovalDecision> request(ApprovalRequest request);

    /**
     * The guard no longer waits for decisions on {@code request}: it was granted, refused, timed
     * out or given up. Approvers that keep files or entries for pending requests remove them here.
     * Must not block or throw; the default does nothing.
     */
    default void requestClosed(ApprovalRequest request) {
    }
}

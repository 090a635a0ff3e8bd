/**
 * Just-in-time approvals: when a policy rule requires approval, the guard asks an
 * {@link dev.agentguard.core.approval.Approver} and waits, without holding locks, up to its
 * timeout; no answer, an error or a refusal all mean the action does not run.
 *
 * <p>Built-in approvers: {@link dev.agentguard.core.approval.WebhookApprover} (an approval
 * service over HTTP) and {@link dev.agentguard.core.approval.DirectoryApprover} (operators with
 * {@code agentguard approvals}) accept only decisions signed as a compact JWS
 * ({@link dev.agentguard.core.approval.DecisionClaims}), checked by a
 * {@link dev.agentguard.core.approval.DecisionVerifier}; {@link dev.agentguard.core.approval.DecisionSigner}
 * signs them. {@link dev.agentguard.core.approval.InMemoryApprover} serves tests.
 * {@link dev.agentguard.core.approval.ApprovalEvidence} checks the journaled decisions offline.
 * See docs/approvals.md.
 */
package dev.agentguard.core.approval;

/**
 * Just-in-time approvals: when a policy rule requires approval, the guard asks an
 * {@link dev.agentguard.core.approval.Approver} and waits, without holding locks, up to its
 * timeout; no answer, an error or a refusal all mean the action does not run.
 */
package dev.agentguard.core.approval;

package dev.agentguard.core.approval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * An approver whose requests wait in memory until {@link #approve} or {@link #deny} is called,
 * for tests, samples and a simple in-process console. Thread-safe. A request leaves the pending
 * list when it is decided or when the guard stops waiting for it.
 *
 * <p>An agent cannot approve its own request: {@code approve} refuses an approver whose name is
 * the requesting agent's id or the person it acts for (the guard refuses such a decision too).
 */
public final class InMemoryApprover implements Approver {

    private final Object lock = new Object();
    private final Map<String, Pending> pending = new LinkedHashMap<>(); // guarded by lock

    private record Pending(ApprovalRequest request, CompletableFuture<ApprovalDecision> answer) {
    }

    /** An approver with nothing pending. */
    public InMemoryApprover() {
    }

    @Override
    public CompletionStage<ApprovalDecision> request(ApprovalRequest request) {
        Objects.requireNonNull(request, "request");
        CompletableFuture<ApprovalDecision> answer = new CompletableFuture<>();
        Pending entry = new Pending(request, answer);
        synchronized (lock) {
            Pending previous = pending.get(request.requestId());
            // The next approval of a multi-approval request replaces the decided one.
            if (previous != null && !previous.answer().isDone()) {
                throw new IllegalArgumentException("approval request \"" + request.requestId()
                        + "\" is already pending; request ids are unique");
            }
            pending.put(request.requestId(), entry);
        }
        // Decided, timed out or cancelled by the guard: either way it no longer waits for anyone.
        answer.whenComplete((d, e) -> {
            synchronized (lock) {
                pending.remove(request.requestId(), entry);
            }
        });
        return answer;
    }

    /** The requests waiting for a decision, oldest first. */
    public List<ApprovalRequest> pending() {
        synchronized (lock) {
            List<ApprovalRequest> out = new ArrayList<>(pending.size());
            for (Pending p : pending.values()) {
                out.add(p.request());
            }
            return List.copyOf(out);
        }
    }

    @Override
    public void requestClosed(ApprovalRequest request) {
        synchronized (lock) {
            Pending p = pending.get(request.requestId());
            if (p != null) {
                p.answer().cancel(false);
                pending.remove(request.requestId(), p);
            }
        }
    }

    /**
     * Grants request {@code requestId}; the decision's reference is {@code requestId}.
     *
     * @throws IllegalArgumentException when no such request is pending, or when {@code approver}
     *                                  is the requesting agent or the person it acts for
     */
    public void approve(String requestId, String approver, String reason) {
        decide(requestId, true, approver, Set.of(), reason);
    }

    /**
     * Grants request {@code requestId} as a member of {@code groups}, for rules that name
     * approver groups. The groups are taken on trust: this approver has no way to check them.
     *
     * @throws IllegalArgumentException as {@link #approve(String, String, String)}
     */
    public void approve(String requestId, String approver, Set<String> groups, String reason) {
        decide(requestId, true, approver, groups, reason);
    }

    /**
     * Refuses request {@code requestId}.
     *
     * @throws IllegalArgumentException when no such request is pending
     */
    public void deny(String requestId, String approver, String reason) {
        decide(requestId, false, approver, Set.of(), reason);
    }

    private void decide(String requestId, boolean approved, String approver, Set<String> groups, String reason) {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(approver, "approver");
        Pending p;
        synchronized (lock) {
            p = pending.get(requestId);
        }
        if (p == null) {
            throw new IllegalArgumentException("no pending approval request \"" + requestId + "\"; it was never made, "
                    + "is already decided, or the guard stopped waiting for it (see pending())");
        }
        if (approved && approver.equals(p.request().identity().agentId())) {
            throw new IllegalArgumentException("agent \"" + approver + "\" cannot approve its own request \""
                    + requestId + "\"; approval needs someone else");
        }
        if (approved && approver.equals(p.request().identity().onBehalfOf())) {
            throw new IllegalArgumentException("\"" + approver + "\" cannot approve request \"" + requestId
                    + "\": the agent acts for them; approval needs someone else");
        }
        ApprovalDecision decision = new ApprovalDecision(approved, approver, groups, reason, requestId, null, null);
        // Completed outside the lock: the guard's thread wakes up and may journal at once.
        if (!p.answer().complete(decision)) {
            throw new IllegalArgumentException("approval request \"" + requestId + "\" was decided or given up "
                    + "while this decision was being made; nothing changed");
        }
    }

    /** An approver that refuses every request at once; the guard's default. */
    public static Approver denyAll() {
        return request -> CompletableFuture.completedFuture(ApprovalDecision.deny("deny-all",
                "no approver is configured", null));
    }

    /**
     * An approver that grants every request at once, as {@code approverName}. For tests and
     * samples only: it makes every require-approval rule an allow rule.
     */
    public static Approver approveAll(String approverName) {
        Objects.requireNonNull(approverName, "approverName");
        if (approverName.isBlank()) {
            throw new IllegalArgumentException("approverName must name who approves; it is journaled as the approver");
        }
        return request -> CompletableFuture.completedFuture(ApprovalDecision.approve(approverName,
                "approve-all approver", "approve-all:" + request.requestId()));
    }
}

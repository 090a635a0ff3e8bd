package dev.agentguard.core.approval;

import dev.agentguard.core.action.Action;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.policy.Sql;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InMemoryApproverTest {

    static final AgentIdentity AGENT = AgentIdentity.of("payments-bot", "payments");
    static final Action REFUND = Sql.insert("refunds").action("INSERT INTO refunds VALUES (?, ?)");

    private static ApprovalRequest request(String id) {
        return ApprovalRequest.of(id, AGENT, REFUND, "refunds", "refund order 42");
    }

    @Test
    void requestsWaitInOrderUntilDecided() {
        InMemoryApprover approver = new InMemoryApprover();
        CompletableFuture<ApprovalDecision> first = approver.request(request("r1")).toCompletableFuture();
        approver.request(request("r2"));

        assertEquals(List.of("r1", "r2"), approver.pending().stream().map(ApprovalRequest::requestId).toList());
        assertFalse(first.isDone());

        approver.approve("r1", "bob", "checked the ticket");

        assertEquals(new ApprovalDecision(true, "bob", "checked the ticket", "r1"), first.join());
        assertEquals(List.of("r2"), approver.pending().stream().map(ApprovalRequest::requestId).toList());
    }

    @Test
    void denyCompletesWithARefusal() {
        InMemoryApprover approver = new InMemoryApprover();
        CompletableFuture<ApprovalDecision> answer = approver.request(request("r1")).toCompletableFuture();

        approver.deny("r1", "bob", "no ticket");

        assertEquals(new ApprovalDecision(false, "bob", "no ticket", "r1"), answer.join());
        assertEquals(List.of(), approver.pending());
    }

    @Test
    void anAgentCannotApproveItsOwnRequest() {
        InMemoryApprover approver = new InMemoryApprover();
        approver.request(request("r1"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> approver.approve("r1", "payments-bot", "looks fine to me"));

        assertEquals("agent \"payments-bot\" cannot approve its own request \"r1\"; approval needs someone else",
                e.getMessage());
        assertEquals(1, approver.pending().size());
    }

    @Test
    void decidingAnUnknownRequestFails() {
        InMemoryApprover approver = new InMemoryApprover();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> approver.approve("nope", "bob", null));

        assertEquals("no pending approval request \"nope\"; it was never made, is already decided, or the guard "
                + "stopped waiting for it (see pending())", e.getMessage());
    }

    @Test
    void aRequestIsDecidedOnlyOnce() {
        InMemoryApprover approver = new InMemoryApprover();
        approver.request(request("r1"));
        approver.deny("r1", "bob", null);

        assertThrows(IllegalArgumentException.class, () -> approver.approve("r1", "carol", null));
    }

    @Test
    void aCancelledRequestLeavesThePendingList() {
        InMemoryApprover approver = new InMemoryApprover();
        approver.request(request("r1")).toCompletableFuture().cancel(true);

        assertEquals(List.of(), approver.pending());
    }

    @Test
    void requestIdsAreUnique() {
        InMemoryApprover approver = new InMemoryApprover();
        approver.request(request("r1"));

        assertEquals("approval request \"r1\" is already pending; request ids are unique",
                assertThrows(IllegalArgumentException.class, () -> approver.request(request("r1"))).getMessage());
    }

    @Test
    void denyAllRefusesAtOnce() {
        ApprovalDecision d = InMemoryApprover.denyAll().request(request("r1")).toCompletableFuture().join();

        assertFalse(d.approved());
        assertEquals("deny-all", d.approver());
        assertEquals("no approver is configured", d.reason());
    }

    @Test
    void approveAllGrantsAtOnceUnderItsName() {
        ApprovalDecision d = InMemoryApprover.approveAll("test-suite").request(request("r1")).toCompletableFuture().join();

        assertTrue(d.approved());
        assertEquals(new ApprovalDecision(true, "test-suite", "approve-all approver", "approve-all:r1"), d);
    }

    @Test
    void decisionsNameWhoDecided() {
        assertEquals("approver must name who decided; it is journaled as the approver",
                assertThrows(IllegalArgumentException.class, () -> ApprovalDecision.approve(" ", null, null)).getMessage());
        assertEquals("approverName must name who approves; it is journaled as the approver",
                assertThrows(IllegalArgumentException.class, () -> InMemoryApprover.approveAll("")).getMessage());
    }

    @Test
    void theNextApprovalOfARequestReplacesTheDecidedOne() {
        InMemoryApprover approver = new InMemoryApprover();
        ApprovalRequest first = new ApprovalRequest("r1", AGENT, REFUND, "refunds", null, ApprovalRequest.hashOf(REFUND),
                2, List.of(), java.util.Set.of(), null, null);
        CompletableFuture<ApprovalDecision> one = approver.request(first).toCompletableFuture();
        approver.approve("r1", "bob", java.util.Set.of("payments-leads"), "ok");

        CompletableFuture<ApprovalDecision> two = approver.request(first.afterApprovalsBy(List.of("bob")))
                .toCompletableFuture();
        assertEquals(List.of("bob"), approver.pending().get(0).approvedBy());
        approver.approve("r1", "carol", "ok too");

        assertEquals(java.util.Set.of("payments-leads"), one.join().groups());
        assertEquals("carol", two.join().approver());
        assertEquals(List.of(), approver.pending());
    }

    @Test
    void aClosedRequestLeavesThePendingListAndCannotBeDecided() {
        InMemoryApprover approver = new InMemoryApprover();
        ApprovalRequest r = request("r1");
        CompletableFuture<ApprovalDecision> answer = approver.request(r).toCompletableFuture();

        approver.requestClosed(r);

        assertTrue(answer.isCancelled());
        assertEquals(List.of(), approver.pending());
        assertThrows(IllegalArgumentException.class, () -> approver.approve("r1", "bob", null));
    }
}

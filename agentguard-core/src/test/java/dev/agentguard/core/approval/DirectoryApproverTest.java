package dev.agentguard.core.approval;

import dev.agentguard.core.action.Action;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.policy.Sql;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operators' approval directory, driven by poll() (the background poll is set to a minute). */
class DirectoryApproverTest {

    static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
    static final String PAN = "4111111111111111";
    static final AgentIdentity AGENT = AgentIdentity.of("payments-bot", "payments").actingFor("alice@example.com");
    static final Action REFUND = Sql.insert("refunds").action("INSERT INTO refunds VALUES (?, ?)");

    @TempDir
    Path tmp;

    private final KeyPair operator = TestKeys.ed25519();
    private final DecisionSigner signer = TestKeys.signer(operator);
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private DirectoryApprover approver;

    private DirectoryApprover approver(Path dir) {
        approver = DirectoryApprover.builder(dir)
                .verifier(DecisionVerifier.builder().key(operator.getPublic()).acceptedAlgorithms("EdDSA").clock(clock)
                        .build())
                .pollInterval(Duration.ofMinutes(1)).clock(clock).build();
        return approver;
    }

    @AfterEach
    void close() {
        if (approver != null) {
            approver.close();
        }
    }

    private static ApprovalRequest request(String id, int needed) {
        return new ApprovalRequest(id, AGENT, REFUND, "refunds", "refund card 411111******1111",
                ApprovalRequest.hashOf(REFUND), needed, List.of(), Set.of("payments-leads"), null,
                NOW.plus(Duration.ofMinutes(5)));
    }

    private String decision(PendingApproval p, boolean approved, String approver) {
        return signer.sign(DecisionClaims.of(approved, p.requestId(), p.actionHash(), approver, "checked", NOW,
                Duration.ofMinutes(10)).withGroups(Set.of("payments-leads")));
    }

    @Test
    void aRequestIsAJsonFileAnOperatorCanReadAndItsSignedDecisionCompletesIt() throws Exception {
        Path dir = tmp.resolve("approvals");
        CompletableFuture<ApprovalDecision> answer = approver(dir).request(request("apr-1", 1)).toCompletableFuture();

        List<PendingApproval> pending = DirectoryApprover.pending(dir);
        assertEquals(1, pending.size());
        PendingApproval p = pending.get(0);
        assertEquals("apr-1", p.requestId());
        assertEquals(NOW, p.createdAt());
        assertEquals(NOW.plus(Duration.ofMinutes(5)), p.deadline());
        assertEquals("alice@example.com", p.onBehalfOf());
        assertEquals("INSERT INTO refunds VALUES (?, ?)", p.actionText());
        assertEquals(Set.of("payments-leads"), p.approverGroups());
        assertFalse(Files.readString(dir.resolve("apr-1.json")).contains(PAN));
        assertEquals(0, approver.poll(), "nothing decided yet");

        String token = decision(p, true, "bob");
        assertEquals(dir.resolve("apr-1.1.jws"), DirectoryApprover.submitDecision(dir, p, token));
        assertEquals(1, approver.poll());

        ApprovalDecision d = answer.get();
        assertEquals("bob", d.approver());
        assertEquals(token, d.evidence());
        assertFalse(Files.exists(dir.resolve("apr-1.1.jws")), "a decision is read once");
    }

    @Test
    void aDecisionThatDoesNotVerifyFailsTheRequest() throws Exception {
        Path dir = tmp.resolve("approvals");
        CompletableFuture<ApprovalDecision> answer = approver(dir).request(request("apr-1", 1)).toCompletableFuture();
        PendingApproval p = DirectoryApprover.pending(dir, "apr-1");
        String forged = TestKeys.signer(TestKeys.ed25519()).sign(DecisionClaims.of(true, "apr-1", p.actionHash(), "bob",
                null, NOW, Duration.ofMinutes(10)));

        DirectoryApprover.submitDecision(dir, p, forged);
        approver.poll();

        ExecutionException e = assertThrows(ExecutionException.class, answer::get);
        assertInstanceOf(RejectedDecisionException.class, e.getCause());
        assertTrue(e.getCause().getMessage().startsWith("the decision is signed by an unknown key"));
    }

    @Test
    void theNextApprovalRewritesTheRequestWithWhoApprovedAndReadsTheNextRound() throws Exception {
        Path dir = tmp.resolve("approvals");
        approver(dir);
        ApprovalRequest first = request("apr-1", 2);
        CompletableFuture<ApprovalDecision> one = approver.request(first).toCompletableFuture();
        DirectoryApprover.submitDecision(dir, DirectoryApprover.pending(dir, "apr-1"),
                decision(DirectoryApprover.pending(dir, "apr-1"), true, "bob"));
        approver.poll();
        assertEquals("bob", one.get().approver());

        CompletableFuture<ApprovalDecision> two = approver.request(first.afterApprovalsBy(List.of("bob")))
                .toCompletableFuture();
        PendingApproval second = DirectoryApprover.pending(dir, "apr-1");
        assertEquals(List.of("bob"), second.approvedBy());
        assertEquals(2, second.round());
        DirectoryApprover.submitDecision(dir, second, decision(second, true, "carol"));
        approver.poll();

        assertEquals("carol", two.get().approver());
        assertTrue(Files.exists(dir.resolve("apr-1.json")));
        approver.requestClosed(first);
        assertEquals(List.of(), DirectoryApprover.pending(dir));
    }

    @Test
    void aSecondDecisionForTheSameRoundIsRefusedUntilTheFirstIsPickedUp() throws Exception {
        Path dir = tmp.resolve("approvals");
        approver(dir).request(request("apr-1", 1));
        PendingApproval p = DirectoryApprover.pending(dir, "apr-1");
        DirectoryApprover.submitDecision(dir, p, decision(p, true, "bob"));

        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> DirectoryApprover.submitDecision(dir, p, decision(p, false, "carol")));

        assertEquals(dir.resolve("apr-1.1.jws") + ": a decision on approval 1 of request apr-1 already waits for the "
                + "agent to pick it up", e.getMessage());
    }

    @Test
    void closingARequestRemovesItsFiles() throws Exception {
        Path dir = tmp.resolve("approvals");
        ApprovalRequest r = request("apr-1", 1);
        CompletableFuture<ApprovalDecision> answer = approver(dir).request(r).toCompletableFuture();
        PendingApproval p = DirectoryApprover.pending(dir, "apr-1");
        DirectoryApprover.submitDecision(dir, p, decision(p, true, "bob"));

        approver.requestClosed(r);

        assertTrue(answer.isCancelled());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.toList());
        }
    }

    @Test
    void unknownAndMalformedIdsAreNamedNeverResolvedAsPaths() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("approvals"));

        assertEquals(dir.resolve("apr-9.json") + ": no pending approval request apr-9",
                assertThrows(NoSuchFileException.class, () -> DirectoryApprover.pending(dir, "apr-9")).getMessage());
        assertEquals("request id \"../etc/passwd\" is not one the guard hands out (letters, digits, '-', '_', '.', "
                + "':'); copy the id from 'agentguard approvals list'",
                assertThrows(ApprovalServiceException.class, () -> DirectoryApprover.pending(dir, "../etc/passwd"))
                        .getMessage());
    }

    @Test
    void aFileThatIsNotARequestIsReportedByName() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("approvals"));
        Files.writeString(dir.resolve("apr-1.json"), "{\"type\":\"something-else\"}");

        assertEquals(dir.resolve("apr-1.json") + ": not an approval request (type is not agentguard.approval-request)",
                assertThrows(ApprovalServiceException.class, () -> DirectoryApprover.pending(dir)).getMessage());
    }

    @Test
    void theApproverNeedsAVerifierAndASanePollInterval() {
        assertEquals("a directory approver accepts signed decisions only: call verifier(DecisionVerifier.builder()"
                + ".keyFile(operatorKeys).acceptedAlgorithms(\"EdDSA\").build())", assertThrows(IllegalStateException.class,
                () -> DirectoryApprover.builder(tmp).build()).getMessage());
        assertEquals("pollInterval is PT0S; allowed is 10 ms to 1 minute", assertThrows(IllegalArgumentException.class,
                () -> DirectoryApprover.builder(tmp).pollInterval(Duration.ZERO)).getMessage());
    }
}

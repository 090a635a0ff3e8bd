package dev.agentguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.action.Action;
import dev.agentguard.core.action.SqlAction;
import dev.agentguard.core.action.SqlStatement;
import dev.agentguard.core.action.StatementKind;
import dev.agentguard.core.approval.ApprovalDecision;
import dev.agentguard.core.approval.ApprovalRequest;
import dev.agentguard.core.approval.Approver;
import dev.agentguard.core.approval.DecisionVerifier;
import dev.agentguard.core.approval.DirectoryApprover;
import dev.agentguard.core.guard.ActionRefusedException;
import dev.agentguard.core.guard.CallContext;
import dev.agentguard.core.guard.Guard;
import dev.agentguard.core.guard.Permit;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.policy.Effect;
import dev.agentguard.core.policy.Policy;
import dev.agentguard.core.policy.Rule;
import dev.agentguard.core.policy.SqlCondition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local operator flow end to end, in-process: an agent's guard waits on a directory approver,
 * operators list and decide with the tool, the agent picks the signed decision up, and
 * {@code verify --approval-key} checks the journaled evidence offline.
 */
class ApprovalsCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final AgentIdentity AGENT = AgentIdentity.of("payments-bot", "payments").actingFor("alice@example.com");
    static final Action REFUND = new Action(Channel.JDBC, "payments-db", "INSERT INTO refunds VALUES (?, ?)",
            new SqlAction(List.of(new SqlStatement(StatementKind.INSERT, Set.of(), Set.of("refunds"), Set.of(), Set.of(),
                    false, Set.of(), null))));
    static final Action CARDS = new Action(Channel.JDBC, "payments-db", "SELECT pan FROM cards WHERE id = ?",
            new SqlAction(List.of(new SqlStatement(StatementKind.SELECT, Set.of("cards"), Set.of(), Set.of(), Set.of(),
                    false, Set.of(), null))));
    static final Policy POLICY = Policy.builder().name("operators").defaultEffect(Effect.DENY)
            .rule(Rule.requireApproval("refunds").sql(SqlCondition.builder().tablesWritten("refunds"))
                    .approvers("payments-leads"))
            .rule(Rule.requireApproval("card-reads").sql(SqlCondition.builder().tablesRead("cards")).approvals(2))
            .build();

    @TempDir
    Path tmp;

    private Path approvals;
    private Path journalDir;
    private Path bobKey;
    private Path bobPub;
    private Path carolKey;
    private Journal journal;
    private DirectoryApprover directory;
    private final Semaphore requested = new Semaphore(0);
    private final ExecutorService agentThread = Executors.newSingleThreadExecutor();

    @BeforeEach
    void setUp() throws Exception {
        approvals = tmp.resolve("approvals");
        journalDir = tmp.resolve("journal");
        assertEquals(0, ToolRun.run("keys", "generate", "--out", tmp.resolve("bob").toString()).exitCode());
        assertEquals(0, ToolRun.run("keys", "generate", "--out", tmp.resolve("carol").toString()).exitCode());
        bobKey = tmp.resolve("bob/checkpoint-signing.pem");
        bobPub = tmp.resolve("bob/checkpoint.pub");
        carolKey = tmp.resolve("carol/checkpoint-signing.pem");
        // The agent trusts both operators' public keys; it polls only when the test says so.
        directory = DirectoryApprover.builder(approvals)
                .verifier(DecisionVerifier.builder().keyFile(bobPub).keyFile(tmp.resolve("carol/checkpoint.pub"))
                        .acceptedAlgorithms("EdDSA").build())
                .pollInterval(Duration.ofMinutes(1)).build();
        journal = Journal.builder(journalDir).open();
    }

    @AfterEach
    void tearDown() throws Exception {
        agentThread.shutdownNow();
        directory.close();
        journal.close();
    }

    /** The directory approver, telling the test each time a request file is written. */
    private Approver signalling() {
        return new Approver() {
            @Override
            public CompletionStage<ApprovalDecision> request(ApprovalRequest request) {
                CompletionStage<ApprovalDecision> answer = directory.request(request);
                requested.release();
                return answer;
            }

            @Override
            public void requestClosed(ApprovalRequest request) {
                directory.requestClosed(request);
            }
        };
    }

    private Future<Permit> agentAsks(Action action) throws InterruptedException {
        Guard guard = Guard.builder().policy(POLICY).journal(journal).approver(signalling())
                .approvalTimeout(Duration.ofMinutes(5)).build();
        Future<Permit> permit = agentThread.submit(() -> guard.check(new CallContext(AGENT, "s-1", null,
                "refund order 42"), action));
        awaitRequest();
        return permit;
    }

    private void awaitRequest() throws InterruptedException {
        assertTrue(requested.tryAcquire(10, TimeUnit.SECONDS), "the agent asked");
    }

    private String onlyRequestId() throws Exception {
        return DirectoryApprover.pending(approvals).get(0).requestId();
    }

    private ToolRun decide(String command, String id, Path key, String as, String... more) {
        String[] base = {"approvals", command, approvals.toString(), id, "--key", key.toString(), "--as", as,
                "--reason", "checked ticket T-7"};
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return ToolRun.run(args);
    }

    @Test
    void anOperatorListsApprovesAndTheWaitingAgentRunsTheAction() throws Exception {
        Future<Permit> permit = agentAsks(REFUND);
        String id = onlyRequestId();

        ToolRun list = ToolRun.run("approvals", "list", approvals.toString());
        assertEquals(0, list.exitCode(), list.err());
        List<String> lines = list.outLines();
        assertEquals(id, lines.get(0));
        assertEquals("  agent        payments-bot, for alice@example.com", lines.get(1));
        assertEquals("  rule         refunds", lines.get(2));
        assertEquals("  action       JDBC payments-db: INSERT INTO refunds VALUES (?, ?)", lines.get(3));
        assertEquals("  intent       refund order 42", lines.get(4));
        assertEquals("  approvals    0 of 1; approvers from payments-leads", lines.get(5));
        assertEquals("  grant        this action only", lines.get(6));
        assertEquals("  action hash  " + ApprovalRequest.hashOf(REFUND), lines.get(8));

        ToolRun approve = decide("approve", id, bobKey, "bob@example.com", "--group", "payments-leads");
        assertEquals(0, approve.exitCode(), approve.err());
        String keyId = dev.agentguard.core.approval.DecisionSigner.fromPemFile(bobKey).keyId();
        assertEquals(List.of("Approved " + id + " as bob@example.com (approval 1 of 1), signed with key " + keyId,
                "The agent picks the decision up from " + approvals.resolve(id + ".1.jws").toAbsolutePath()
                        + " at its next poll."), approve.outLines());
        assertFalse(permit.isDone());

        assertEquals(1, directory.poll());
        Permit granted = permit.get(10, TimeUnit.SECONDS);
        granted.succeeded(Map.of("updated", 1L));

        assertEquals(id, granted.approvalReference());
        assertEquals("No pending approval requests.", ToolRun.run("approvals", "list", approvals.toString()).out().strip());
        journal.close();
        AuditEvent decision = TestJournals.read(journalDir).stream()
                .filter(e -> e.phase() == Phase.APPROVAL && e.decision() == Decision.APPROVED).findFirst().orElseThrow();
        assertEquals("bob@example.com", decision.extensions().get("approver"));
        assertEquals("checked ticket T-7", decision.extensions().get("approval-reason"));
        assertTrue(decision.extensions().get("approval.jws").startsWith("eyJ"));

        ToolRun verify = ToolRun.run("verify", journalDir.toString(), "--approval-key", bobPub.toString());
        assertEquals(0, verify.exitCode(), verify.err());
        assertTrue(verify.outLines().contains("  approvals          1 signed decisions checked with the given approval "
                + "keys"), verify.out());
    }

    @Test
    void anOperatorsRefusalRefusesTheAction() throws Exception {
        Future<Permit> permit = agentAsks(REFUND);
        String id = onlyRequestId();

        ToolRun deny = decide("deny", id, bobKey, "bob@example.com");
        assertEquals(0, deny.exitCode(), deny.err());
        assertTrue(deny.out().startsWith("Denied " + id + " as bob@example.com, signed with key "), deny.out());
        directory.poll();

        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> permit.get(10, TimeUnit.SECONDS));
        assertInstanceOf(ActionRefusedException.class, e.getCause());
        assertEquals("approval for rule \"refunds\" refused: bob@example.com refused it: checked ticket T-7",
                e.getCause().getMessage());
    }

    @Test
    void twoOperatorsApproveARuleThatNeedsTwo() throws Exception {
        Future<Permit> permit = agentAsks(CARDS);
        String id = onlyRequestId();

        assertEquals(0, decide("approve", id, bobKey, "bob@example.com").exitCode());
        directory.poll();
        awaitRequest(); // the guard asks for the second approval
        assertEquals("  approvals    1 of 2 (approved by bob@example.com)",
                ToolRun.run("approvals", "list", approvals.toString()).outLines().get(5));
        ToolRun again = decide("approve", id, carolKey, "bob@example.com");
        again.assertOneLineError(2);
        assertEquals("agentguard approvals approve: bob@example.com already approved request " + id + "; it needs 2 "
                + "different approvers", again.errorLine());

        ToolRun carol = decide("approve", id, carolKey, "carol@example.com");
        assertEquals(0, carol.exitCode(), carol.err());
        assertTrue(carol.out().contains("(approval 2 of 2)"), carol.out());
        directory.poll();

        assertEquals(id, permit.get(10, TimeUnit.SECONDS).approvalReference());
    }

    @Test
    void theToolRefusesWhatTheGuardWouldRefuse() throws Exception {
        agentAsks(REFUND);
        String id = onlyRequestId();

        ToolRun self = decide("approve", id, bobKey, "Alice@Example.com", "--group", "payments-leads");
        self.assertOneLineError(2);
        assertEquals("agentguard approvals approve: Alice@Example.com is the person the agent acts for; nobody "
                + "approves their own action, and the guard would refuse it", self.errorLine());
        ToolRun agent = decide("approve", id, bobKey, "payments-bot", "--group", "payments-leads");
        assertEquals("agentguard approvals approve: payments-bot is the agent that asks; nobody approves their own "
                + "action, and the guard would refuse it", agent.errorLine());
        ToolRun noGroup = decide("approve", id, bobKey, "bob@example.com");
        assertEquals("agentguard approvals approve: rule refunds counts only approvers from payments-leads; pass "
                + "--group with the one you belong to", noGroup.errorLine());
        ToolRun unknown = decide("approve", "apr-nope", bobKey, "bob@example.com");
        unknown.assertOneLineError(2);
        assertEquals("agentguard approvals approve: " + approvals.resolve("apr-nope.json") + ": no such file",
                unknown.errorLine());
        ToolRun traversal = decide("deny", "../journal/x", bobKey, "bob@example.com");
        assertEquals("agentguard approvals deny: request id \"../journal/x\" is not one the guard hands out (letters, "
                + "digits, '-', '_', '.', ':'); copy the id from 'agentguard approvals list'", traversal.errorLine());
        ToolRun badValidity = decide("approve", id, bobKey, "bob@example.com", "--group", "payments-leads",
                "--valid-for", "2d");
        assertEquals("agentguard approvals approve: --valid-for must be a duration such as 90s, 10m or 1h, got 2d",
                badValidity.errorLine());
        ToolRun publicKeyOnly = decide("approve", id, bobPub, "bob@example.com", "--group", "payments-leads");
        assertEquals("agentguard approvals approve: " + bobPub + " has no '-----BEGIN PRIVATE KEY-----' block (PKCS#8)",
                publicKeyOnly.errorLine());
        try (var files = Files.list(approvals)) {
            assertEquals(List.of(id + ".json"), files.map(p -> p.getFileName().toString()).toList(), "nothing signed");
        }
    }

    @Test
    void listingPrintsEachRequestDocumentWithJsonAndEscapesWhatTheAgentWrote() throws Exception {
        Guard guard = Guard.builder().policy(POLICY).journal(journal).approver(signalling()).build();
        agentThread.submit(() -> guard.check(new CallContext(AGENT, "s-1", null, "refund \u001b[2Jorder 42"), REFUND));
        awaitRequest();

        JsonNode doc = JSON.readTree(ToolRun.run("approvals", "list", approvals.toString(), "--json").out());
        assertEquals("agentguard.approval-request", doc.get("type").asText());
        assertEquals(ApprovalRequest.hashOf(REFUND), doc.get("action").get("hash").asText());
        assertEquals("payments-leads", doc.get("approvals").get("approverGroups").get(0).asText());
        assertEquals("  intent       refund \\u001b[2Jorder 42",
                ToolRun.run("approvals", "list", approvals.toString()).outLines().get(4));
    }

    @Test
    void listingAMissingDirectoryIsAnInputError() {
        ToolRun run = ToolRun.run("approvals", "list", tmp.resolve("none").toString());

        run.assertOneLineError(2);
        assertEquals("agentguard approvals list: " + tmp.resolve("none") + ": no such file", run.errorLine());
    }

    @Test
    void verifyReportsATamperedApprovalSignatureAsAnIntegrityFailureNamingTheEvent() throws Exception {
        Future<Permit> permit = agentAsks(REFUND);
        String id = onlyRequestId();
        decide("approve", id, bobKey, "bob@example.com", "--group", "payments-leads");
        directory.poll();
        permit.get(10, TimeUnit.SECONDS).succeeded(Map.of());
        AuditEvent genuine = TestJournals.read(journalDir).stream()
                .filter(e -> e.phase() == Phase.APPROVAL && e.decision() == Decision.APPROVED).findFirst().orElseThrow();
        // A writer holding the journal, not the operator's key, records an approval it made up.
        String[] parts = genuine.extensions().get("approval.jws").split("\\.");
        byte[] sig = Base64.getUrlDecoder().decode(parts[2]);
        sig[0] ^= 1;
        EventDraft forged = EventDraft.of(Phase.APPROVAL, Channel.JDBC).agent("payments-bot").resource("payments-db")
                .decision(Decision.APPROVED, "refunds").approval(id).extension("approver", "bob@example.com")
                .extension("action-hash", ApprovalRequest.hashOf(REFUND))
                .extension("approval.jws", parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(sig));
        long seq = journal.append(forged);
        journal.close();
        String keyId = dev.agentguard.core.approval.DecisionSigner.fromPemFile(bobKey).keyId();

        ToolRun run = ToolRun.run("verify", journalDir.toString(), "--approval-key", bobPub.toString());

        run.assertOneLineError(1);
        String position = TestJournals.positionOf(journalDir, seq);
        AuditEvent stored = TestJournals.read(journalDir).get((int) seq - 1);
        assertEquals("agentguard verify: integrity failure at " + position + ": event " + seq + " (" + stored.eventId()
                + "): its approval signature does not hold: the decision's signature does not verify with key \""
                + keyId + "\"", run.errorLine());
        assertEquals(0, ToolRun.run("verify", journalDir.toString()).exitCode(), "the hash chain itself is intact");
    }

    @Test
    void verifyWithAnotherOperatorsKeyReportsTheUnknownSigner() throws Exception {
        Future<Permit> permit = agentAsks(REFUND);
        decide("approve", onlyRequestId(), bobKey, "bob@example.com", "--group", "payments-leads");
        directory.poll();
        permit.get(10, TimeUnit.SECONDS);
        journal.close();

        ToolRun run = ToolRun.run("verify", journalDir.toString(), "--approval-key",
                tmp.resolve("carol/checkpoint.pub").toString(), "--json");

        assertEquals(1, run.exitCode(), run.err());
        JsonNode error = JSON.readTree(run.out());
        assertEquals("integrity-failure", error.get("status").asText());
        assertTrue(error.get("message").asText().contains("the decision is signed by an unknown key"), run.out());
    }

    @Test
    void verifyNeedsAnExistingApprovalKeyFile() throws Exception {
        journal.close();

        ToolRun run = ToolRun.run("verify", journalDir.toString(), "--approval-key", tmp.resolve("nope.pub").toString());

        run.assertOneLineError(2);
        assertEquals("agentguard verify: " + tmp.resolve("nope.pub") + ": no such approval key file", run.errorLine());
    }

    @Test
    void verifyJsonCountsCheckedAndUnsignedApprovals() throws Exception {
        journal.close();

        ToolRun run = ToolRun.run("verify", journalDir.toString(), "--approval-key", bobPub.toString(), "--json");

        assertEquals(0, run.exitCode(), run.err());
        JsonNode summary = JSON.readTree(run.out());
        assertEquals(0, summary.get("approvalSignaturesChecked").asLong());
        assertEquals(0, summary.get("unsignedApprovals").asLong());
    }
}

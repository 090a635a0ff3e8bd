package dev.agentguard.core.guard;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.action.Action;
import dev.agentguard.core.approval.ApprovalDecision;
import dev.agentguard.core.approval.ApprovalRequest;
import dev.agentguard.core.approval.Approver;
import dev.agentguard.core.approval.InMemoryApprover;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.policy.Effect;
import dev.agentguard.core.policy.Policy;
import dev.agentguard.core.policy.Rule;
import dev.agentguard.core.policy.Sql;
import dev.agentguard.core.policy.SqlCondition;
import dev.agentguard.junit.JournalAssert;
import dev.agentguard.junit.TempJournal;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Break-glass, auto-approval and the terms the guard enforces whatever the approver. */
class BreakGlassAndAutoApproveTest {

    static final AgentIdentity AGENT = AgentIdentity.of("payments-bot", "payments").actingFor("alice@example.com");
    static final CallContext CONTEXT = CallContext.of(AGENT, "session-1");
    static final String PAN = "4111111111111111";

    static final Policy POLICY = Policy.builder().name("break-glass").defaultEffect(Effect.DENY)
            .rule(Rule.requireApproval("hotfix").sql(SqlCondition.builder().tablesWritten("config")).breakGlass(true)
                    .requireIntent(true))
            .rule(Rule.requireApproval("refunds").sql(SqlCondition.builder().tablesWritten("refunds")))
            .rule(Rule.requireApproval("sandbox").sql(SqlCondition.builder().tablesWritten("sandbox")).autoApprove(true))
            .rule(Rule.requireApproval("ledger").sql(SqlCondition.builder().tablesWritten("ledger"))
                    .approvers("payments-leads"))
            .build();

    static final Action HOTFIX = Sql.update("config").action("UPDATE config SET value = ? WHERE key = ?");
    static final Action REFUND = Sql.insert("refunds").action("INSERT INTO refunds VALUES (?, ?)");
    static final Action SANDBOX = Sql.insert("sandbox").action("INSERT INTO sandbox VALUES (?)");
    static final Action LEDGER = Sql.update("ledger").action("UPDATE ledger SET amount = ? WHERE id = ?");

    @TempJournal
    Journal journal;

    private final AtomicInteger asked = new AtomicInteger();

    private Guard guard(Approver approver) {
        return Guard.builder().policy(POLICY).journal(journal).approver(request -> {
            asked.incrementAndGet();
            return approver.request(request);
        }).build();
    }

    private static List<String> actionEvents(JournalAssert audit) {
        return audit.events().stream().filter(e -> e.channel() != Channel.JOURNAL)
                .map(e -> e.phase() + " " + e.decision() + " " + e.ruleId() + (e.outcome() == null ? "" : " " + e.outcome()))
                .toList();
    }

    @Test
    void breakGlassWithAJustificationRunsWithoutApprovalAndIsJournaledLoudly(JournalAssert audit) throws Exception {
        Guard guard = guard(InMemoryApprover.denyAll());
        Permit permit;
        try (CallScope scope = CallScope.builder()
                .breakGlass("INC-4711: card processor outage, settlement config stuck for " + PAN).open()) {
            permit = guard.check(CONTEXT, HOTFIX);
        }
        permit.succeeded(Map.of("updated", 1L));

        assertEquals(0, asked.get(), "nobody was asked");
        assertEquals(List.of("APPROVAL ALLOWED hotfix", "INTENT ALLOWED hotfix", "OUTCOME ALLOWED hotfix SUCCESS"),
                actionEvents(audit));
        String justification = "INC-4711: card processor outage, settlement config stuck for 411111******1111";
        AuditEvent approval = audit.filteredOn(m -> m.phase(Phase.APPROVAL)).events().get(0);
        assertEquals(Map.of("break-glass", "true", "break-glass.justification", justification,
                "action-hash", ApprovalRequest.hashOf(HOTFIX)), approval.extensions());
        assertTrue(permit.approvalReference().startsWith("brk-"));
        assertEquals(permit.approvalReference(), approval.approvalRef());
        audit.hasEventMatching(m -> m.phase(Phase.INTENT).decision(Decision.ALLOWED).extension("break-glass", "true")
                .intent(justification).approval(permit.approvalReference()));
        audit.hasEventMatching(m -> m.phase(Phase.OUTCOME).extension("break-glass", "true"));
        audit.containsNoPan();
    }

    @Test
    void breakGlassWithoutAJustificationCannotEvenBeAsked() {
        assertEquals("break-glass needs a justification: say what is broken and why it cannot wait for an approver; it "
                + "is journaled with every call it lets through",
                assertThrows(IllegalArgumentException.class, () -> CallScope.builder().breakGlass("  ")).getMessage());
        assertEquals("break-glass needs a justification: say what is broken and why it cannot wait for an approver; it "
                + "is journaled with every call it lets through",
                assertThrows(IllegalArgumentException.class, () -> CallScope.builder().breakGlass(null)).getMessage());
        assertEquals("a break-glass justification is 10 to 1000 characters, this one 6: say what is broken and why it "
                + "cannot wait for an approver",
                assertThrows(IllegalArgumentException.class, () -> CallScope.builder().breakGlass("urgent")).getMessage());
    }

    @Test
    void withoutBreakingTheGlassTheRuleAsksForApprovalAsUsual(JournalAssert audit) {
        ActionRefusedException e = assertThrows(ActionRefusedException.class,
                () -> guard(InMemoryApprover.denyAll()).check(CONTEXT.withIntent("rotate the settlement key"), HOTFIX));

        assertEquals(Refusal.APPROVAL_DENIED, e.refusal());
        assertEquals(1, asked.get());
    }

    @Test
    void breakGlassOnARuleThatDoesNotAllowItChangesNothing(JournalAssert audit) {
        Guard guard = guard(InMemoryApprover.denyAll());

        try (CallScope scope = CallScope.builder().breakGlass("INC-4711: refunds backlog is growing").open()) {
            assertThrows(ActionRefusedException.class, () -> guard.check(CONTEXT, REFUND));
        }

        assertEquals(1, asked.get(), "the approver was asked");
        audit.hasEventMatching(m -> m.phase(Phase.APPROVAL).decision(Decision.APPROVAL_REQUIRED)
                .extension("break-glass.refused", "rule \"refunds\" does not allow break-glass; approval was asked as usual"));
        audit.hasNoEventMatching(m -> m.extension("break-glass", "true"));
    }

    @Test
    void autoApproveIsJournaledAsApprovedByThePolicy(JournalAssert audit) throws Exception {
        Permit permit = guard(InMemoryApprover.denyAll()).check(CONTEXT, SANDBOX);

        assertEquals(0, asked.get());
        assertEquals(List.of("APPROVAL APPROVAL_REQUIRED sandbox", "APPROVAL APPROVED sandbox", "INTENT APPROVED sandbox"),
                actionEvents(audit));
        audit.hasEventMatching(m -> m.phase(Phase.APPROVAL).decision(Decision.APPROVED).extension("approver", "policy:auto")
                .approval(permit.approvalReference()));
    }

    @Test
    void anUnsignedApproverCannotApproveForTheAgentEither(JournalAssert audit) {
        Guard guard = guard(r -> CompletableFuture.completedFuture(ApprovalDecision.approve("payments-bot", "me", null)));

        ActionRefusedException e = assertThrows(ActionRefusedException.class, () -> guard.check(CONTEXT, REFUND));

        assertEquals("approval for rule \"refunds\" refused: agent \"payments-bot\" approved its own action; approval "
                + "needs someone else", e.getMessage());
    }

    @Test
    void invisibleCharactersAndLookAlikeFormsDoNotMakeTheAgentSomeoneElse() {
        for (String disguised : List.of("payments\u200b-bot", " PAYMENTS-BOT ", "\uff50ayments-bot",
                "alice@example.com\u2060")) {
            Guard guard = guard(r -> CompletableFuture.completedFuture(ApprovalDecision.approve(disguised, "ok", null)));

            ActionRefusedException e = assertThrows(ActionRefusedException.class, () -> guard.check(CONTEXT, REFUND),
                    disguised);

            assertTrue(e.getMessage().endsWith("; approval needs someone else"), e.getMessage());
        }
    }

    @Test
    void aRefusalCountsWhoeverSendsIt() {
        Guard guard = guard(r -> CompletableFuture.completedFuture(ApprovalDecision.deny("payments-bot",
                "I should not do this", null)));

        assertEquals("approval for rule \"ledger\" refused: payments-bot refused it: I should not do this",
                assertThrows(ActionRefusedException.class, () -> guard.check(CONTEXT, LEDGER)).getMessage());
    }

    @Test
    void groupsAnUnsignedApproverVouchesForAreCheckedToo() throws Exception {
        InMemoryApprover people = new InMemoryApprover();
        Guard outsider = guard(r -> CompletableFuture.completedFuture(ApprovalDecision.approve("bob", "ok", null)));
        Guard member = guard(r -> CompletableFuture.completedFuture(
                ApprovalDecision.approve("bob", "ok", null).withGroups(Set.of("payments-leads"))));

        assertEquals("approval for rule \"ledger\" refused: \"bob\" is in none of the rule's approver groups "
                + "(payments-leads); the approval does not count",
                assertThrows(ActionRefusedException.class, () -> outsider.check(CONTEXT, LEDGER)).getMessage());
        member.check(CONTEXT, LEDGER).succeeded(Map.of());
        assertEquals(List.of(), people.pending());
    }

    @Test
    void anExpiredGrantFromAnUnsignedApproverGrantsNothing() {
        Guard guard = guard(r -> CompletableFuture.completedFuture(new ApprovalDecision(true, "bob", Set.of(), "ok",
                null, null, java.time.Instant.parse("2020-01-01T00:00:00Z"))));

        assertEquals("approval for rule \"refunds\" refused: the grant by \"bob\" expired at 2020-01-01T00:00:00Z",
                assertThrows(ActionRefusedException.class, () -> guard.check(CONTEXT, REFUND)).getMessage());
    }

    @Test
    void theInMemoryApproverRefusesThePersonTheAgentActsFor() {
        InMemoryApprover approver = new InMemoryApprover();
        approver.request(ApprovalRequest.of("r1", AGENT, REFUND, "refunds", null));

        assertEquals("\"alice@example.com\" cannot approve request \"r1\": the agent acts for them; approval needs "
                + "someone else", assertThrows(IllegalArgumentException.class,
                () -> approver.approve("r1", "alice@example.com", "mine")).getMessage());
    }
}

package dev.agentguard.core.policy;

import dev.agentguard.core.action.StatementKind;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The approval knobs of a require-approval rule, in the policy file and in the Java builder, with the same checks. */
class ApprovalTermsTest {

    private static Policy parse(String... lines) throws PolicyFileException {
        return PolicyFileReader.parse(String.join("\n", lines) + "\n", "policy.yaml", Map.<String, String>of()::get);
    }

    private static String error(String... lines) {
        return assertThrows(PolicyFileException.class, () -> parse(lines)).getMessage();
    }

    private static String[] rule(String... keys) {
        String[] head = {"policy: p", "default: deny", "rules:", "  - id: refunds",
                "    requireApproval: { sql: { tablesWritten: [refunds] } }"};
        String[] all = new String[head.length + keys.length];
        System.arraycopy(head, 0, all, 0, head.length);
        for (int i = 0; i < keys.length; i++) {
            all[head.length + i] = "    " + keys[i];
        }
        return all;
    }

    @Test
    void aRequireApprovalRuleNeedsOneApprovalByAnyoneForOneActionByDefault() throws Exception {
        Rule r = parse(rule()).rule("refunds").orElseThrow();

        assertEquals(ApprovalTerms.DEFAULT, r.approval());
        assertEquals(1, r.approval().approvals());
        assertTrue(r.approval().grantOnce());
    }

    @Test
    void readsEveryKnobAndMatchesTheJavaBuilder() throws Exception {
        Rule fromFile = parse(rule("approvals: 2", "approvers: [payments-leads, risk]", "grant: { window: 15m }",
                "breakGlass: true")).rule("refunds").orElseThrow();

        Rule inJava = Rule.requireApproval("refunds")
                .sql(SqlCondition.builder().tablesWritten("refunds"))
                .approvals(2).approvers("payments-leads", "risk").grantWindow(Duration.ofMinutes(15)).breakGlass(true)
                .line(4).build();
        assertEquals(inJava, fromFile);
        assertEquals(new ApprovalTerms(2, Set.of("payments-leads", "risk"), Duration.ofMinutes(15), true, false),
                fromFile.approval());
    }

    @Test
    void grantIsOnceOrAWindowInSecondsMinutesHoursOrIso() throws Exception {
        assertNull(parse(rule("grant: once")).rule("refunds").orElseThrow().approval().grantWindow());
        assertEquals(Duration.ofSeconds(90), parse(rule("grant: { window: 90s }")).rule("refunds").orElseThrow()
                .approval().grantWindow());
        assertEquals(Duration.ofHours(2), parse(rule("grant: { window: 2h }")).rule("refunds").orElseThrow()
                .approval().grantWindow());
        assertEquals(Duration.ofMinutes(30), parse(rule("grant: { window: PT30M }")).rule("refunds").orElseThrow()
                .approval().grantWindow());
    }

    @Test
    void autoApproveIsReadAsTheOnlyKnob() throws Exception {
        assertTrue(parse(rule("autoApprove: true")).rule("refunds").orElseThrow().approval().autoApprove());
    }

    @Test
    void approvalKnobsBelongToRequireApprovalRulesOnly() {
        assertEquals("policy.yaml:6:5: approvals applies to requireApproval rules only; rule \"read\" is an allow rule: "
                + "remove approvals", error("policy: p", "default: deny", "rules:", "  - id: read",
                "    allow: { sql: { kinds: [SELECT] } }", "    approvals: 2"));
        assertEquals("rule \"read\": approvals, approvers, grant, breakGlass and autoApprove apply to require-approval "
                + "rules only; this rule is an allow rule: remove them", assertThrows(IllegalArgumentException.class,
                () -> Rule.allow("read").sql(SqlCondition.builder().kinds(StatementKind.SELECT)).breakGlass(true)
                        .build()).getMessage());
    }

    @Test
    void approvalsAreOneToFiveWithTheSameMessageInBothForms() {
        assertEquals("policy.yaml:6:16: approvals is 0; allowed is 1 to 5 different approvers: ask for as many people "
                + "as the action needs", error(rule("approvals: 0")));
        assertEquals("approvals is 6; allowed is 1 to 5 different approvers: ask for as many people as the action needs",
                assertThrows(IllegalArgumentException.class, () -> Rule.requireApproval("r").approvals(6)).getMessage());
        assertEquals("policy.yaml:6:16: rule \"refunds\" approvals must be a whole number, found text",
                error(rule("approvals: two")));
    }

    @Test
    void approverGroupsAreAListOfPlainNames() {
        assertEquals("policy.yaml:6:16: rule \"refunds\" approvers must be a list of approver groups, e.g. "
                + "[payments-leads], found text", error(rule("approvers: payments-leads")));
        assertEquals("policy.yaml:6:16: rule \"refunds\" approvers is an empty list; name the groups whose members "
                + "may approve, or remove approvers to accept anyone the approver accepts", error(rule("approvers: []")));
        // A comma would make the journaled list ambiguous; the value is not echoed, as with every odd value.
        assertEquals("policy.yaml:6:17: approver group (a value not shown here) is not allowed: use 1 to 100 "
                + "characters without commas or surrounding spaces, e.g. payments-leads",
                error(rule("approvers: [\"a,b\"]")));
        assertEquals("policy.yaml:6:17: approver group \" leads\" is not allowed: use 1 to 100 characters without "
                + "commas or surrounding spaces, e.g. payments-leads", error(rule("approvers: [\" leads\"]")));
    }

    @Test
    void grantMustBeOnceOrAWindowOfAtMost24Hours() {
        assertEquals("policy.yaml:6:12: rule \"refunds\" grant must be once (the grant covers one action) or a mapping "
                + "such as { window: 15m } (later actions of the same rule, agent and resource reuse it), found text "
                + "\"forever\"", error(rule("grant: forever")));
        assertEquals("policy.yaml:6:22: grant window is PT25H; allowed is more than 0 and at most 24 hours (PT24H): a "
                + "grant is a just-in-time permission, not a standing one; for one action at a time use grant: once",
                error(rule("grant: { window: 25h }")));
        assertEquals("policy.yaml:6:22: rule \"refunds\" grant window must be a duration such as 90s, 15m or 2h (or "
                + "ISO-8601, PT15M), found \"15 minutes\"", error(rule("grant: { window: 15 minutes }")));
        assertEquals("policy.yaml:6:14: unknown key \"until\" in rule \"refunds\" grant; allowed keys: window",
                error(rule("grant: { until: 15m }")));
        assertEquals("grant window is PT0S; allowed is more than 0 and at most 24 hours (PT24H): a grant is a "
                + "just-in-time permission, not a standing one; for one action at a time use grant: once",
                assertThrows(IllegalArgumentException.class,
                        () -> Rule.requireApproval("r").grantWindow(Duration.ZERO)).getMessage());
    }

    @Test
    void autoApproveCannotBeCombinedWithKnobsThatNeedPeople() {
        assertEquals("policy.yaml:7:5: rule \"refunds\": autoApprove cannot be combined with approvers: the policy "
                + "approves alone, so nobody else approves and nothing needs breaking; remove one of them",
                error(rule("approvers: [leads]", "autoApprove: true")));
        assertEquals("rule \"r\": autoApprove cannot be combined with approvals: 2: the policy approves alone, so nobody "
                + "else approves and nothing needs breaking; remove one of them",
                assertThrows(IllegalArgumentException.class,
                        () -> Rule.requireApproval("r").approvals(2).autoApprove(true).build()).getMessage());
        assertEquals("rule \"r\": autoApprove cannot be combined with breakGlass: the policy approves alone, so nobody "
                + "else approves and nothing needs breaking; remove one of them",
                assertThrows(IllegalArgumentException.class,
                        () -> Rule.requireApproval("r").breakGlass(true).autoApprove(true).build()).getMessage());
    }

    @Test
    void breakGlassAndAutoApproveAreTrueOrFalse() {
        assertEquals("policy.yaml:6:17: rule \"refunds\" breakGlass must be true or false, found text",
                error(rule("breakGlass: always")));
    }
}

package dev.agentguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyTestCommandTest {
    @TempDir
    Path tmp;

    @Test
    void everyExpectationHoldsIsExitCode0WithAPassLinePerExpectation() throws Exception {
        Path policy = TestPolicies.write(tmp, "pci.yaml", TestPolicies.PAYMENTS + TestPolicies.PASSING_EXPECTATIONS);

        ToolRun run = ToolRun.run("policy", "test", policy.toString());

        assertEquals(0, run.exitCode(), run.err());
        assertEquals(List.of(
                "PASS  " + policy + ":24  deletes-need-where: deny by rule no-delete-without-where",
                "PASS  " + policy + ":29  payments-bot: SELECT pan FROM cards WHERE id = ?: allow by rule read-cards",
                "PASS  " + policy + ":32  refunds: require-approval by rule refunds-need-approval",
                "PASS  " + policy + ":37  strangers-get-nothing: deny by the policy default",
                "4 expectations, 0 failed"), run.outLines());
        assertEquals("", run.err());
    }

    @Test
    void aFailingExpectationShowsExpectedAndActualAndExitsWith1() throws Exception {
        Path policy = TestPolicies.write(tmp, "pci.yaml", TestPolicies.PAYMENTS + String.join("\n",
                "expect:",
                "  - name: cvv-never-readable",                                 // line 24
                "    agent: { id: payments-bot, roles: [payments] }",
                "    sql: \"SELECT cvv FROM cards WHERE pan = '4111111111111111'\"",
                "    effect: deny",
                "  - name: deletes-need-where",                                 // line 28
                "    agent: { id: payments-bot, roles: [payments] }",
                "    sql: \"DELETE FROM cards\"",
                "    effect: deny",
                "    rule: no-delete-without-where",
                "  - agent: { id: payments-bot, roles: [payments] }",           // line 33
                "    sql: \"UPDATE orders SET status = 'paid'\"",
                "    effect: allow",
                "    rule: update-orders",
                ""));

        ToolRun run = ToolRun.run("policy", "test", policy.toString());

        assertEquals(1, run.exitCode(), run.err());
        assertEquals(List.of(
                "FAIL  " + policy + ":24  cvv-never-readable",
                "      sql       SELECT cvv FROM cards WHERE pan = ?",
                "      expected  deny (any rule)",
                "      actual    allow by rule read-cards: allowed by rule \"read-cards\"",
                "PASS  " + policy + ":28  deletes-need-where: deny by rule no-delete-without-where",
                "FAIL  " + policy + ":33  payments-bot: UPDATE orders SET status = ?",
                "      expected  allow by rule update-orders",
                "      actual    deny by rule no-delete-without-where: UPDATE without WHERE on orders",
                "3 expectations, 2 failed"), run.outLines());
        assertFalse(run.out().contains("4111111111111111"), "literals of the expectation are never printed");
        assertEquals("", run.err());
    }

    @Test
    void aWrongRuleFailsEvenWhenTheEffectMatches() throws Exception {
        Path policy = TestPolicies.write(tmp, "pci.yaml", TestPolicies.PAYMENTS + String.join("\n",
                "expect:",
                "  - name: stranger",
                "    agent: { id: intruder }",
                "    sql: \"DELETE FROM cards\"",
                "    effect: deny",
                "    rule: default",
                ""));

        ToolRun run = ToolRun.run("policy", "test", policy.toString());

        assertEquals(1, run.exitCode(), run.err());
        assertEquals(List.of(
                "FAIL  " + policy + ":24  stranger",
                "      sql       DELETE FROM cards",
                "      expected  deny by the policy default",
                "      actual    deny by rule no-delete-without-where: DELETE without WHERE on cards",
                "1 expectation, 1 failed"), run.outLines());
    }

    @Test
    void aPolicyWithoutExpectationsIsExitCode2AndSaysSo() throws Exception {
        Path policy = TestPolicies.write(tmp, "pci.yaml", TestPolicies.PAYMENTS);

        ToolRun run = ToolRun.run("policy", "test", policy.toString());

        run.assertOneLineError(2);
        assertEquals("agentguard policy test: " + policy + ": the policy has no expectations to test; write them "
                + "under 'expect:' beside the rules (agent, sql, effect and optionally rule; see docs/policy.md)",
                run.errorLine());
    }

    @Test
    void aMalformedExpectationIsExitCode2WithItsLine() throws Exception {
        Path policy = TestPolicies.write(tmp, "pci.yaml", TestPolicies.PAYMENTS + String.join("\n",
                "expect:",
                "  - agent: { id: payments-bot }",
                "    sql: \"DELETE FROM cards\"",
                "    effect: deny",
                "    rule: no-such-rule",                                        // line 27
                ""));

        ToolRun run = ToolRun.run("policy", "test", policy.toString());

        run.assertOneLineError(2);
        assertTrue(run.errorLine().startsWith("agentguard policy test: " + policy + ":27:"), run.errorLine());
        assertTrue(run.errorLine().contains("no-such-rule"), run.errorLine());
    }

    @Test
    void anUnknownKeyInAnExpectationIsExitCode2() throws Exception {
        Path policy = TestPolicies.write(tmp, "pci.yaml", TestPolicies.PAYMENTS + String.join("\n",
                "expect:",
                "  - agent: { id: payments-bot }",
                "    sql: \"DELETE FROM cards\"",
                "    effect: deny",
                "    expected: deny",                                            // line 27
                ""));

        ToolRun run = ToolRun.run("policy", "test", policy.toString());

        run.assertOneLineError(2);
        assertTrue(run.errorLine().startsWith("agentguard policy test: " + policy + ":27:5: "), run.errorLine());
        assertTrue(run.errorLine().contains("\"expected\""), run.errorLine());
    }

    @Test
    void aMissingFileIsExitCode2() {
        Path missing = tmp.resolve("missing.yaml");

        ToolRun run = ToolRun.run("policy", "test", missing.toString());

        run.assertOneLineError(2);
        assertEquals("agentguard policy test: " + missing + ":0:0: no such policy file; check the path", run.errorLine());
    }

    @Test
    void jsonPrintsOneObjectWithEveryResult() throws Exception {
        Path policy = TestPolicies.write(tmp, "pci.yaml", TestPolicies.PAYMENTS + String.join("\n",
                "expect:",
                "  - name: cvv-never-readable",
                "    agent: { id: payments-bot, roles: [payments] }",
                "    sql: \"SELECT cvv FROM cards WHERE pan = '4111111111111111'\"",
                "    effect: deny",
                ""));

        ToolRun run = ToolRun.run("policy", "test", policy.toString(), "--json");

        assertEquals(1, run.exitCode(), run.err());
        assertEquals(1, run.out().lines().count(), run.out());
        assertFalse(run.out().contains("4111111111111111"), run.out());
        JsonNode o = new ObjectMapper().readTree(run.out());
        assertEquals("payments", o.get("policy").asText());
        assertEquals(policy.toString(), o.get("file").asText());
        assertEquals(1, o.get("expectations").asInt());
        assertEquals(1, o.get("failed").asInt());
        JsonNode r = o.get("results").get(0);
        assertEquals(24, r.get("line").asInt());
        assertEquals("cvv-never-readable", r.get("name").asText());
        assertEquals("payments-bot", r.get("agent").get("id").asText());
        assertEquals("SELECT cvv FROM cards WHERE pan = ?", r.get("sql").asText());
        assertFalse(r.get("passed").asBoolean());
        assertEquals("deny", r.get("expected").get("effect").asText());
        assertFalse(r.get("expected").has("rule"));
        assertEquals("allow", r.get("actual").get("effect").asText());
        assertEquals("read-cards", r.get("actual").get("rule").asText());
        assertEquals("allowed by rule \"read-cards\"", r.get("actual").get("reason").asText());
    }

    @Test
    void isNotRecordedInTheAccessJournal() throws Exception {
        Path policy = TestPolicies.write(tmp, "pci.yaml", TestPolicies.PAYMENTS + TestPolicies.PASSING_EXPECTATIONS);
        Path access = tmp.resolve("access");

        ToolRun run = ToolRun.runWith(Map.of(AgentGuardCommand.ACCESS_JOURNAL_ENV, access.toString()), "policy",
                "test", policy.toString());

        assertEquals(0, run.exitCode(), run.err());
        assertFalse(Files.exists(access));
    }

    @Test
    void requiresTheFile() {
        ToolRun run = ToolRun.run("policy", "test");

        run.assertOneLineError(2);
        assertTrue(run.errorLine().startsWith("agentguard policy test: Missing required parameter: 'FILE'"),
                run.errorLine());
    }
}

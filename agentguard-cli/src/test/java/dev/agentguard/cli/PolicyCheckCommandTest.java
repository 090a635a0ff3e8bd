package dev.agentguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentguard.core.policy.Policy;
import dev.agentguard.core.policy.PolicyFileException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyCheckCommandTest {
    /** A 32-byte masking key, base64 without padding. */
    private static final String KEY = "c2VjcmV0LWtleS1tYXRlcmlhbC0wMTIzNDU2Nzg5YWJjZGVm";
    private static final String DETECTORS = "  detectors  track, pan, cvv, iban, ssn, email, secret (on every text value)";

    @TempDir
    Path tmp;

    private Path policy;

    @BeforeEach
    void writePolicy() throws Exception {
        policy = TestPolicies.write(tmp, "pci.yaml", TestPolicies.PAYMENTS);
    }

    /** {@code policy check --policy pci.yaml --agent payments-bot --role payments sql...}. */
    private ToolRun check(String... sql) {
        List<String> args = new ArrayList<>(List.of("policy", "check", "--policy", policy.toString(),
                "--agent", "payments-bot", "--role", "payments"));
        args.addAll(List.of(sql));
        return ToolRun.run(args.toArray(String[]::new));
    }

    @Test
    void anAllowedSelectPrintsTheRuleTheStatementAndWhatItsResultWouldMask() {
        ToolRun run = check("SELECT pan, cvv AS c FROM cards");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals(List.of(
                "SELECT pan, cvv AS c FROM cards",
                "  decision   allowed",
                "  rule       read-cards",
                "  reason     allowed by rule \"read-cards\"",
                "  row limit  100",
                "  statement  SELECT reads cards",
                "  masked     pan (from cards.pan): column:*.cards.pan, partial",
                "  masked     c (from cards.cvv): column:*.cards.cvv, redact",
                DETECTORS), run.outLines());
        assertEquals("", run.err());
    }

    @Test
    void maskingFollowsAColumnThroughAnExpressionAndAnAlias() {
        ToolRun run = check("SELECT upper(c.cvv) AS x, c.id FROM cards c");

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.outLines().contains("  masked     x (from cards.cvv): column:*.cards.cvv, redact"), run.out());
        assertFalse(run.out().contains("(from cards.id)"), run.out());
    }

    @Test
    void aColumnComputedFromSeveralMaskedColumnsGetsTheStrictestRule() throws Exception {
        Path file = TestPolicies.write(tmp, "strict.yaml", String.join("\n",
                "policy: strict",
                "default: allow",
                "masking:",
                "  columns:",
                "    - { match: \"*.cards.alpha\", strategy: partial }",
                "    - { match: \"*.cards.zeta\", strategy: \"null\" }",
                ""));

        ToolRun run = ToolRun.run("policy", "check", "--policy", file.toString(), "--agent", "a",
                "SELECT alpha || zeta AS x, alpha FROM cards");

        assertEquals(0, run.exitCode(), run.err());
        List<String> masked = run.outLines().stream().filter(l -> l.startsWith("  masked")).toList();
        assertEquals(List.of(
                "  masked     x (from cards.zeta): column:*.cards.zeta, null",
                "  masked     alpha (from cards.alpha): column:*.cards.alpha, partial"), masked);
    }

    @Test
    void aStarSelectListsEveryColumnRuleThatCoversTheTable() {
        ToolRun run = check("SELECT * FROM cards");

        assertEquals(0, run.exitCode(), run.err());
        List<String> masked = run.outLines().stream().filter(l -> l.startsWith("  masked")).toList();
        assertEquals(2, masked.size(), run.out());
        assertTrue(masked.get(0).endsWith(" (from cards.*): column:*.cards.pan, partial"), run.out());
        assertTrue(masked.get(1).endsWith(" (from cards.*): column:*.cards.cvv, redact"), run.out());
    }

    @Test
    void aSelectWithoutCoveredColumnsSaysSo() {
        ToolRun run = check("SELECT id, status FROM orders");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals(List.of(
                "SELECT id, status FROM orders",
                "  decision   allowed",
                "  rule       read-cards",
                "  reason     allowed by rule \"read-cards\"",
                "  row limit  100",
                "  statement  SELECT reads orders",
                "  masked     no column rule covers a result column",
                DETECTORS), run.outLines());
    }

    @Test
    void deniesDeleteWithoutWhereWithExitCode3() {
        ToolRun run = check("DELETE FROM cards");

        assertEquals(3, run.exitCode(), run.err());
        assertEquals(List.of(
                "DELETE FROM cards",
                "  decision   denied",
                "  rule       no-delete-without-where",
                "  reason     DELETE without WHERE on cards",
                "  statement  DELETE writes cards without WHERE"), run.outLines());
        assertEquals("", run.err(), "a denial is an answer, not an error");
    }

    @Test
    void approvalRequiredIsExitCode4() {
        ToolRun run = check("INSERT INTO refunds (order_id, amount) VALUES (7, 10)");

        assertEquals(4, run.exitCode(), run.err());
        assertEquals(List.of(
                "INSERT INTO refunds (order_id, amount) VALUES (?, ?)",
                "  decision   approval required",
                "  rule       refunds-need-approval",
                "  reason     INSERT on refunds needs approval",
                "  row limit  1000",
                "  statement  INSERT writes refunds"), run.outLines());
    }

    @Test
    void anApprovalRuleThatRequiresAnIntentSaysSo() throws Exception {
        Path file = TestPolicies.write(tmp, "intent.yaml", String.join("\n",
                "policy: refunds",
                "default: deny",
                "rules:",
                "  - id: refunds-need-approval",
                "    requireApproval: { sql: { tablesWritten: [refunds] } }",
                "    requireIntent: true",
                ""));

        ToolRun run = ToolRun.run("policy", "check", "--policy", file.toString(), "--agent", "a", "--json",
                "DELETE FROM refunds WHERE id = 1");
        ToolRun text = ToolRun.run("policy", "check", "--policy", file.toString(), "--agent", "a",
                "DELETE FROM refunds WHERE id = 1");

        assertEquals(4, text.exitCode(), text.err());
        assertEquals(List.of(
                "DELETE FROM refunds WHERE id = ?",
                "  decision   approval required",
                "  rule       refunds-need-approval",
                "  reason     DELETE on refunds needs approval",
                "  intent     required: an agent that states no intent is refused, and nobody is asked",
                "  statement  DELETE writes refunds"), text.outLines());
        assertTrue(new ObjectMapper().readTree(run.out()).get("checks").get(0).get("intentRequired").asBoolean());
    }

    @Test
    void whatNoRuleAllowsIsDeniedByThePolicyDefault() {
        ToolRun run = ToolRun.run("policy", "check", "--policy", policy.toString(), "--agent", "intruder",
                "SELECT pan FROM cards");

        assertEquals(3, run.exitCode(), run.err());
        assertEquals(List.of(
                "SELECT pan FROM cards",
                "  decision   denied",
                "  rule       default",
                "  reason     no rule allows SELECT on cards; the policy default is deny",
                "  statement  SELECT reads cards"), run.outLines());
    }

    @Test
    void sqlThatCannotBeUnderstoodIsDenied() {
        ToolRun run = check("FROBNICATE cards PLEASE");

        assertEquals(3, run.exitCode(), run.err());
        assertTrue(run.outLines().contains("  decision   denied"), run.out());
        assertTrue(run.outLines().stream().anyMatch(l -> l.startsWith("  statement  UNKNOWN (")), run.out());
    }

    @Test
    void severalSqlArgumentsExitWithTheStrictestDecision() {
        String allowed = "SELECT id FROM orders";
        String approval = "INSERT INTO refunds (order_id) VALUES (1)";
        String denied = "DELETE FROM orders";

        assertEquals(0, check(allowed, allowed).exitCode());
        assertEquals(4, check(allowed, approval).exitCode());
        assertEquals(4, check(approval, allowed).exitCode());
        assertEquals(3, check(denied, approval, allowed).exitCode());
        assertEquals(3, check(allowed, approval, denied).exitCode());
    }

    @Test
    void severalSqlArgumentsArePrintedInOrderSeparatedByABlankLine() {
        ToolRun run = check("SELECT id FROM orders", "DELETE FROM orders");

        List<String> lines = run.outLines();
        assertEquals("SELECT id FROM orders", lines.get(0));
        int blank = lines.indexOf("");
        assertTrue(blank > 0, run.out());
        assertEquals("DELETE FROM orders", lines.get(blank + 1));
        assertEquals("  decision   denied", lines.get(blank + 2));
    }

    @Test
    void aMultiStatementStringTakesTheStrictestOfItsStatements() {
        ToolRun run = check("SELECT pan FROM cards; DELETE FROM cards");

        assertEquals(3, run.exitCode(), run.err());
        assertEquals(List.of(
                "SELECT pan FROM cards; DELETE FROM cards",
                "  decision   denied",
                "  rule       no-delete-without-where",
                "  reason     DELETE without WHERE on cards",
                "  statement  SELECT reads cards",
                "  statement  DELETE writes cards without WHERE"), run.outLines());
    }

    @Test
    void literalValuesAreNeverPrinted() {
        String pan = "4111111111111111";
        String sql = "SELECT id FROM cards WHERE pan = '" + pan + "' AND holder = 'Jane Doe'";

        ToolRun text = check(sql);
        ToolRun json = check("--json", sql);

        for (ToolRun run : List.of(text, json)) {
            assertEquals(0, run.exitCode(), run.err());
            assertFalse(run.out().contains(pan), run.out());
            assertFalse(run.out().contains("Jane"), run.out());
            assertFalse(run.err().contains(pan), run.err());
        }
        assertEquals("SELECT id FROM cards WHERE pan = ? AND holder = ?", text.outLines().get(0));
    }

    @Test
    void jsonPrintsOneObjectWithEveryDecision() throws Exception {
        ToolRun run = ToolRun.run("policy", "check", "--policy", policy.toString(), "--agent", "payments-bot",
                "--role", "payments", "--scope", "cards:read", "--on-behalf-of", "alice", "--json",
                "SELECT pan, cvv AS c FROM cards", "DELETE FROM cards");

        assertEquals(3, run.exitCode(), run.err());
        assertEquals(1, run.out().lines().count(), run.out());
        JsonNode o = new ObjectMapper().readTree(run.out());
        assertEquals("payments", o.get("policy").asText());
        assertEquals("payments-bot", o.get("agent").get("id").asText());
        assertEquals("payments", o.get("agent").get("roles").get(0).asText());
        assertEquals("cards:read", o.get("agent").get("scopes").get(0).asText());
        assertEquals("alice", o.get("agent").get("onBehalfOf").asText());
        assertEquals("denied", o.get("decision").asText());
        assertEquals(3, o.get("exitCode").asInt());
        JsonNode select = o.get("checks").get(0);
        assertEquals("SELECT pan, cvv AS c FROM cards", select.get("sql").asText());
        assertEquals("allowed", select.get("decision").asText());
        assertEquals("allow", select.get("effect").asText());
        assertEquals("read-cards", select.get("rule").asText());
        assertEquals(100, select.get("rowLimit").asLong());
        assertEquals("SELECT", select.get("statements").get(0).get("kind").asText());
        assertEquals("cards", select.get("statements").get(0).get("tablesRead").get(0).asText());
        JsonNode c = select.get("maskedColumns").get(1);
        assertEquals(2, c.get("index").asInt());
        assertEquals("c", c.get("label").asText());
        assertEquals("cards.cvv", c.get("source").asText());
        assertEquals("column:*.cards.cvv", c.get("rule").asText());
        assertEquals("redact", c.get("strategy").asText());
        assertEquals("pan", select.get("detectors").get(1).asText());
        JsonNode delete = o.get("checks").get(1);
        assertEquals("deny", delete.get("effect").asText());
        assertEquals("no-delete-without-where", delete.get("rule").asText());
        assertTrue(delete.get("statements").get(0).get("whereMissing").asBoolean());
        assertFalse(delete.has("maskedColumns"), "a denied statement returns nothing to mask");
    }

    @Test
    void aMalformedPolicyIsOneLineWithFileLineAndColumnAndExitCode2() throws Exception {
        Path bad = TestPolicies.write(tmp, "bad.yaml", "policy: payments\ndefault: deny\nrules:\n  - id: [oops\n");
        String expected = assertThrows(PolicyFileException.class, () -> Policy.load(bad)).getMessage();

        ToolRun run = ToolRun.run("policy", "check", "--policy", bad.toString(), "--agent", "a", "SELECT 1");

        run.assertOneLineError(2);
        assertEquals("", run.out());
        assertEquals("agentguard policy check: " + expected, run.errorLine());
        assertTrue(run.errorLine().startsWith("agentguard policy check: " + bad + ":"), run.errorLine());
    }

    @Test
    void anUnknownKeyIsExitCode2NamingTheKeyAndItsLine() throws Exception {
        Path bad = TestPolicies.write(tmp, "bad.yaml", "policy: payments\ndefault: deny\nrulez: []\n");

        ToolRun run = ToolRun.run("policy", "check", "--policy", bad.toString(), "--agent", "a", "SELECT 1");

        run.assertOneLineError(2);
        assertTrue(run.errorLine().startsWith("agentguard policy check: " + bad + ":3:1: "), run.errorLine());
        assertTrue(run.errorLine().contains("rulez"), run.errorLine());
    }

    @Test
    void aMalformedPolicyWithJsonAlsoPrintsTheErrorObjectWithItsPosition() throws Exception {
        Path bad = TestPolicies.write(tmp, "bad.yaml", "policy: payments\ndefault: deny\nrulez: []\n");

        ToolRun run = ToolRun.run("policy", "check", "--policy", bad.toString(), "--agent", "a", "--json", "SELECT 1");

        assertEquals(2, run.exitCode());
        JsonNode o = new ObjectMapper().readTree(run.out());
        assertEquals("error", o.get("status").asText());
        assertEquals(bad + ":3:1", o.get("position").asText());
    }

    @Test
    void aMissingPolicyFileIsExitCode2() {
        Path missing = tmp.resolve("missing.yaml");

        ToolRun run = ToolRun.run("policy", "check", "--policy", missing.toString(), "--agent", "a", "SELECT 1");

        run.assertOneLineError(2);
        assertEquals("agentguard policy check: " + missing + ":0:0: no such policy file; check the path", run.errorLine());
    }

    @Test
    void aMaskingKeyWrittenUnderAnUnknownKeyIsNeverPrinted() throws Exception {
        Path file = TestPolicies.write(tmp, "k.yaml", "policy: p\ndefault: deny\nmasking:\n  hashKey: " + KEY + "\n");

        assertKeyNeverPrinted(file);
    }

    @Test
    void aMaskingKeyWrittenWhereTheVariableNameBelongsIsNeverPrinted() throws Exception {
        // A base64 key without padding looks like a variable name; it must not be quoted back either.
        Path file = TestPolicies.write(tmp, "k.yaml", "policy: p\ndefault: deny\nmasking:\n  hashKeyEnv: \"" + KEY
                + "\"\n  detectors: { email: keyed-hash }\n");

        assertKeyNeverPrinted(file);
    }

    @Test
    void aCardNumberOutsideALiteralIsMaskedInThePrintedSqlToo() {
        // A backtick name is shown as written (a double-quoted one is not shown at all: MySQL reads it as a string).
        ToolRun run = check("SELECT `4111111111111111` FROM cards");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals("SELECT `411111******1111` FROM cards", run.outLines().get(0));
        assertFalse(run.out().contains("4111111111111111"), run.out());
    }

    private static void assertKeyNeverPrinted(Path file) {
        for (String[] extra : List.of(new String[0], new String[] {"--json"}, new String[] {"--verbose"})) {
            List<String> args = new ArrayList<>(List.of("policy", "check", "--policy", file.toString(), "--agent",
                    "a", "SELECT 1"));
            args.addAll(List.of(extra));
            ToolRun run = ToolRun.run(args.toArray(String[]::new));

            assertEquals(2, run.exitCode(), run.err());
            assertFalse(run.out().contains(KEY.substring(0, 12)), run.out());
            assertFalse(run.err().contains(KEY.substring(0, 12)), run.err());
        }
    }

    @Test
    void theAgentIsRequired() {
        ToolRun run = ToolRun.run("policy", "check", "--policy", policy.toString(), "SELECT 1");

        run.assertOneLineError(2);
        assertEquals("agentguard policy check: Missing required option: '--agent=ID' (see 'agentguard policy check --help')",
                run.errorLine());
    }

    @Test
    void atLeastOneSqlOrRequestIsRequired() {
        ToolRun run = ToolRun.run("policy", "check", "--policy", policy.toString(), "--agent", "a");

        run.assertOneLineError(2);
        assertEquals("agentguard policy check: nothing to decide: give SQL arguments (e.g. 'SELECT pan FROM cards'), "
                + "--http METHOD URL or --ssh HOST COMMAND", run.errorLine());
    }

    @Test
    void anEmptySqlArgumentIsAUsageError() {
        ToolRun run = check("SELECT 1", " ");

        run.assertOneLineError(2);
        assertEquals("agentguard policy check: SQL argument 2 is empty; give the statement to decide, "
                + "e.g. 'SELECT pan FROM cards'", run.errorLine());
    }

    @Test
    void aBlankAgentIsAUsageError() {
        ToolRun run = ToolRun.run("policy", "check", "--policy", policy.toString(), "--agent", "", "SELECT 1");

        run.assertOneLineError(2);
        assertEquals("agentguard policy check: --agent is empty; give the agent id the policy selects rules by, "
                + "e.g. --agent payments-bot", run.errorLine());
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        ToolRun run = ToolRun.run("policy", "check", "--policy", policy.toString(), "--agent", "a",
                "--kafka", "x", "SELECT 1");

        run.assertOneLineError(2);
        assertTrue(run.errorLine().startsWith("agentguard policy check: Unknown option: '--kafka'"), run.errorLine());
    }

    @Test
    void policyWithoutASubcommandShowsItsUsageWithExitCode2() {
        ToolRun run = ToolRun.run("policy");

        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("Usage: agentguard policy "), run.err());
    }

    @Test
    void isNotRecordedInTheAccessJournal() {
        Path access = tmp.resolve("access");

        ToolRun run = ToolRun.runWith(Map.of(AgentGuardCommand.ACCESS_JOURNAL_ENV, access.toString()), "policy",
                "check", "--policy", policy.toString(), "--agent", "a", "SELECT id FROM cards WHERE pan = '4111111111111111'");

        assertEquals(3, run.exitCode(), run.err());
        assertFalse(Files.exists(access), "the SQL given to policy check must not be journaled");
    }
}

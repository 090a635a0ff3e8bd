package dev.agentguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code policy check --http} and HTTP expectations in {@code policy test}. */
class PolicyCheckHttpTest {
    static final String API = String.join("\n",
            "policy: api",
            "default: deny",
            "rules:",
            "  - id: no-admin",
            "    deny: { http: { paths: [\"/admin/**\"] } }",
            "  - id: big-refunds",
            "    requireApproval: { http: { methods: [POST], paths: [/v1/refunds], jsonField: { field: amount, over: 100 } } }",
            "    agents: { roles: [payments] }",
            "  - id: refunds",
            "    allow: { http: { methods: [POST], hosts: [api.example.com], paths: [/v1/refunds], maxBodySize: 4096 } }",
            "    agents: { roles: [payments] }",
            "  - id: read-cards",
            "    allow: { http: { methods: [GET], schemes: [https], hosts: [api.example.com], paths: [\"/v1/cards/**\"] } }",
            "    agents: { roles: [payments] }",
            "");

    @TempDir
    Path tmp;

    private Path policy;

    @BeforeEach
    void writePolicy() throws Exception {
        policy = TestPolicies.write(tmp, "api.yaml", API);
    }

    private ToolRun check(String... args) {
        List<String> all = new ArrayList<>(List.of("policy", "check", "--policy", policy.toString(),
                "--agent", "payments-bot", "--role", "payments"));
        all.addAll(List.of(args));
        return ToolRun.run(all.toArray(String[]::new));
    }

    @Test
    void anAllowedGetPrintsTheRuleAndTheDetectorsThatMaskTheResponse() {
        ToolRun run = check("--http", "GET", "https://api.example.com/v1/cards/42");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals(List.of(
                "GET https://api.example.com/v1/cards/42",
                "  decision   allowed",
                "  rule       read-cards",
                "  reason     allowed by rule \"read-cards\"",
                "  body       0 bytes",
                "  detectors  track, pan, cvv, iban, ssn, email, secret (on every text response body)"),
                run.outLines());
    }

    @Test
    void aDeniedAdminPathIsExitCode3EvenBehindDotSegments() {
        for (String url : List.of("https://api.example.com/admin/users", "https://api.example.com/v1/../admin/users",
                "https://api.example.com/v1/%2e%2e/admin/users", "https://API.EXAMPLE.COM//admin//users")) {
            ToolRun run = check("--http", "GET", url);
            assertEquals(3, run.exitCode(), url + "\n" + run.out() + run.err());
            assertTrue(run.outLines().contains("  rule       no-admin"), run.out());
        }
    }

    @Test
    void aPathThatClimbsAboveTheRootIsNeverAllowed() {
        ToolRun run = check("--http", "GET", "https://api.example.com/v1/cards/../../../etc/passwd");

        assertEquals(3, run.exitCode(), run.out());
        assertTrue(run.outLines().contains("  path       climbs above the root: no allow rule matches it"), run.out());
    }

    @Test
    void aJsonFieldOverTheLimitNeedsApprovalAndOneBelowIsAllowed() {
        ToolRun big = check("--http", "POST", "https://api.example.com/v1/refunds", "--header", "Content-Type",
                "--body-size", "40", "--json-field", "amount=250.00");
        assertEquals(4, big.exitCode(), big.out() + big.err());
        assertTrue(big.outLines().contains("  rule       big-refunds"), big.out());
        assertTrue(big.outLines().contains("  headers    content-type"), big.out());
        assertTrue(big.outLines().contains("  json       amount = 250.00"), big.out());

        ToolRun small = check("--http", "POST", "https://api.example.com/v1/refunds", "--body-size", "40",
                "--json-field", "amount=25.00");
        assertEquals(0, small.exitCode(), small.out());
        assertTrue(small.outLines().contains("  rule       refunds"), small.out());
    }

    @Test
    void aBodyOfUnknownSizeIsNotAllowedByARuleThatCapsTheSize() {
        ToolRun run = check("--http", "POST", "https://api.example.com/v1/refunds", "--body-size", "-1",
                "--json-field", "amount=25.00");

        assertEquals(3, run.exitCode(), run.out());
        assertTrue(run.outLines().contains("  body       size unknown (streamed)"), run.out());
    }

    @Test
    void neverPrintsACardNumberFromTheQueryThePathOrAJsonField() {
        ToolRun run = check("--http", "GET", "https://api.example.com/v1/cards/4111111111111111?pan=5555555555554444",
                "--json-field", "note=4012888888881881", "--json");

        String everything = run.out() + run.err();
        for (String pan : List.of("4111111111111111", "5555555555554444", "4012888888881881")) {
            assertFalse(everything.contains(pan), pan + " was printed: " + everything);
        }
        assertTrue(run.out().contains("?pan=?"), run.out());
    }

    @Test
    void severalRequestsExitWithTheStrictestAndJsonListsEach() throws Exception {
        ToolRun run = check("--json", "--http", "GET", "https://api.example.com/v1/cards/1",
                "--http", "DELETE", "https://api.example.com/admin/cache");

        assertEquals(3, run.exitCode(), run.out());
        JsonNode o = new ObjectMapper().readTree(run.out());
        assertEquals("denied", o.get("decision").asText());
        assertEquals(2, o.get("checks").size());
        assertEquals("read-cards", o.get("checks").get(0).get("rule").asText());
        assertEquals("no-admin", o.get("checks").get(1).get("rule").asText());
        assertEquals("api.example.com", o.get("checks").get(1).get("request").get("host").asText());
        assertEquals(0, o.get("checks").get(1).get("detectors").size(), "a denied request returns no body to mask");
    }

    @Test
    void badInputIsExitCode2WithAClearMessage() {
        ToolRun both = check("--http", "GET", "https://api.example.com/", "SELECT 1");
        assertEquals(2, both.exitCode());
        assertTrue(both.err().contains("not several kinds"), both.err());

        ToolRun relative = check("--http", "GET", "/v1/cards");
        assertEquals(2, relative.exitCode());
        assertTrue(relative.err().contains("absolute http or https URI"), relative.err());

        ToolRun ftp = check("--http", "GET", "ftp://files.example.com/x");
        assertEquals(2, ftp.exitCode());
        assertTrue(ftp.err().contains("http or https"), ftp.err());

        ToolRun space = check("--http", "GET", "https://api.example.com/a b?pan=4111111111111111");
        assertEquals(2, space.exitCode());
        assertTrue(space.err().contains("not a valid URI at index"), space.err());
        assertFalse(space.err().contains("4111111111111111"), space.err());

        ToolRun strayHeader = check("--header", "Authorization", "SELECT 1");
        assertEquals(2, strayHeader.exitCode());
        assertTrue(strayHeader.err().contains("--http METHOD URL"), strayHeader.err());

        ToolRun nothing = check();
        assertEquals(2, nothing.exitCode());
        assertTrue(nothing.err().contains("nothing to decide"), nothing.err());
    }

    @Test
    void policyTestDecidesHttpExpectations() throws Exception {
        Path file = TestPolicies.write(tmp, "api-expect.yaml", API + String.join("\n",
                "expect:",
                "  - name: admin-is-off-limits",
                "    agent: { id: payments-bot, roles: [payments] }",
                "    http: \"GET https://api.example.com/admin/users\"",
                "    effect: deny",
                "    rule: no-admin",
                "  - agent: { id: payments-bot, roles: [payments] }",
                "    http: \"GET https://api.example.com/v1/cards/7?expand=owner\"",
                "    effect: allow",
                "  - name: strangers",
                "    agent: { id: someone-else }",
                "    http: \"GET https://api.example.com/v1/cards/7\"",
                "    effect: allow",
                ""));

        ToolRun run = ToolRun.run("policy", "test", file.toString());

        assertEquals(1, run.exitCode(), run.out() + run.err());
        List<String> lines = run.outLines();
        assertTrue(lines.get(0).startsWith("PASS  ") && lines.get(0).endsWith("admin-is-off-limits: deny by rule no-admin"),
                run.out());
        assertTrue(lines.get(1).endsWith("payments-bot: GET https://api.example.com/v1/cards/7?expand=?: allow by rule "
                + "read-cards"), run.out());
        assertTrue(lines.get(2).startsWith("FAIL  ") && lines.get(2).endsWith("strangers"), run.out());
        assertTrue(lines.contains("      http      GET https://api.example.com/v1/cards/7"), run.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("      actual    deny by the policy default: ")),
                run.out());
        assertEquals("3 expectations, 1 failed", lines.get(lines.size() - 1));
    }
}

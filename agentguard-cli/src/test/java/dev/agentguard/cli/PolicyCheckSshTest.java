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

/** {@code policy check --ssh} and SSH expectations in {@code policy test}. */
class PolicyCheckSshTest {
    static final String OPS = String.join("\n",
            "policy: ops",
            "default: deny",
            "rules:",
            "  - id: no-shadow",
            "    deny: { ssh: { paths: [/etc/shadow] } }",
            "  - id: sudo-needs-approval",
            "    requireApproval: { ssh: { programs: [sudo] } }",
            "  - id: health",
            "    allow: { ssh: { hosts: [\"app*\"], programs: [df, uptime] } }",
            "  - id: read-app-logs",
            "    allow: { ssh: { hosts: [\"app*\"], programs: [grep, tail], arguments: [\"*\"], paths: [\"/var/log/app/**\"] } }",
            "");

    @TempDir
    Path tmp;

    private Path policy;

    @BeforeEach
    void writePolicy() throws Exception {
        policy = TestPolicies.write(tmp, "ops.yaml", OPS);
    }

    private ToolRun check(String... args) {
        List<String> all = new ArrayList<>(List.of("policy", "check", "--policy", policy.toString(), "--agent", "ops-bot"));
        all.addAll(List.of(args));
        return ToolRun.run(all.toArray(String[]::new));
    }

    @Test
    void anAllowedPipelinePrintsEveryCommandItRuns() {
        ToolRun run = check("--ssh", "app1", "grep ERROR /var/log/app/x.log | tail -n 5");

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertEquals(List.of(
                "app1: grep ERROR /var/log/app/x.log | tail -n 5",
                "  decision   allowed",
                "  rule       read-app-logs",
                "  reason     allowed by rule \"read-app-logs\"",
                "  command    grep (2 arguments)",
                "  command    tail (2 arguments)"), run.outLines());
    }

    @Test
    void obfuscatedReadsOfTheShadowFileAreDenied() {
        for (String line : List.of("cat /etc/shadow", "c''at /etc/./shadow", "df; cat /etc/shadow",
                "bash -c 'cat /etc/shadow'", "$(echo cat) /etc/shadow", "grep x /var/log/app/../../../etc/shadow")) {
            ToolRun run = check("--ssh", "app1", line);
            assertEquals(3, run.exitCode(), line + "\n" + run.out() + run.err());
        }
    }

    @Test
    void sudoNeedsApprovalAndAnUnreadableLineIsDenied() {
        ToolRun sudo = check("--ssh", "app1", "sudo uptime");
        assertEquals(4, sudo.exitCode(), sudo.out());
        assertTrue(sudo.outLines().contains("  rule       sudo-needs-approval"), sudo.out());

        ToolRun broken = check("--ssh", "app1", "echo 'unterminated");
        assertEquals(3, broken.exitCode(), broken.out());
        assertTrue(broken.out().contains("  command    unreadable: "), broken.out());
    }

    @Test
    void aCardNumberInTheCommandLineIsNeverPrinted() {
        ToolRun run = check("--json", "--ssh", "app1", "grep 4111111111111111 /var/log/app/x.log");

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertFalse(run.out().contains("4111111111111111"), run.out());
    }

    @Test
    void jsonListsEachCommandLineAndTheStrictestExitCode() throws Exception {
        ToolRun run = check("--json", "--ssh", "app1", "df -h", "--ssh", "db1", "df -h");

        assertEquals(3, run.exitCode(), run.out());
        JsonNode o = new ObjectMapper().readTree(run.out());
        assertEquals("denied", o.get("decision").asText());
        assertEquals("health", o.get("checks").get(0).get("rule").asText());
        assertEquals("db1", o.get("checks").get(1).get("host").asText());
        assertEquals("default", o.get("checks").get(1).get("rule").asText());
        assertEquals("df (1 argument)", o.get("checks").get(0).get("commands").get(0).asText());
    }

    @Test
    void badInputIsExitCode2() {
        ToolRun mixed = check("--ssh", "app1", "df", "--http", "GET", "https://x.example/");
        assertEquals(2, mixed.exitCode());
        assertTrue(mixed.err().contains("not several kinds"), mixed.err());

        ToolRun empty = check("--ssh", "app1", " ");
        assertEquals(2, empty.exitCode());
        assertTrue(empty.err().contains("is empty"), empty.err());

        ToolRun badHost = check("--ssh", "app 1", "df");
        assertEquals(2, badHost.exitCode());
        assertTrue(badHost.err().contains("SSH host must be"), badHost.err());

        ToolRun strayUser = check("--ssh-user", "deploy", "SELECT 1");
        assertEquals(2, strayUser.exitCode());
        assertTrue(strayUser.err().contains("--ssh HOST COMMAND"), strayUser.err());
    }

    @Test
    void policyTestDecidesSshExpectations() throws Exception {
        Path file = TestPolicies.write(tmp, "ops-expect.yaml", OPS + String.join("\n",
                "expect:",
                "  - name: shadow-is-off-limits",
                "    agent: { id: ops-bot }",
                "    ssh: { host: app1, command: \"cat /etc/shadow\" }",
                "    effect: deny",
                "    rule: no-shadow",
                "  - name: disk-space",
                "    agent: { id: ops-bot }",
                "    ssh: { host: app1, command: \"df -h\" }",
                "    effect: allow",
                "    rule: health",
                "  - name: wrong-on-purpose",
                "    agent: { id: ops-bot }",
                "    ssh: { host: app1, command: \"rm -rf /tmp/x\" }",
                "    effect: allow",
                ""));

        ToolRun run = ToolRun.run("policy", "test", file.toString());

        assertEquals(1, run.exitCode(), run.out() + run.err());
        List<String> lines = run.outLines();
        assertTrue(lines.get(0).startsWith("PASS  ") && lines.get(0).endsWith("shadow-is-off-limits: deny by rule no-shadow"),
                run.out());
        assertTrue(lines.get(1).startsWith("PASS  ") && lines.get(1).endsWith("disk-space: allow by rule health"), run.out());
        assertTrue(lines.get(2).startsWith("FAIL  ") && lines.get(2).endsWith("wrong-on-purpose"), run.out());
        assertTrue(lines.contains("      command   app1: rm -rf /tmp/x"), run.out());
        assertEquals("3 expectations, 1 failed", lines.get(lines.size() - 1));
    }
}

package dev.agentguard.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HelpTest {
    private static final String EXIT_CODES = String.join(System.lineSeparator(),
            "Exit codes:",
            "  0   ok (verify: journal intact; policy check: allowed; policy test: all pass)",
            "  1   a check failed: journal integrity (verify) or expectations (policy test)",
            "  2   usage error or unreadable input (including a malformed policy file)",
            "  3   denied by policy (policy check)",
            "  4   approval required (policy check)");

    @ParameterizedTest
    @ValueSource(strings = {"", "list", "show", "tail", "verify", "export", "keys", "keys generate", "policy",
            "policy check", "policy test", "mask", "approvals", "approvals list", "approvals approve",
            "approvals deny"})
    void everyCommandListsTheExitCodesAndExamples(String command) {
        String[] args = (command + " --help").strip().split(" ");

        ToolRun run = ToolRun.run(args);

        assertEquals(0, run.exitCode());
        assertTrue(run.out().contains(EXIT_CODES), run.out());
        assertTrue(run.out().contains("Examples:" + System.lineSeparator() + "  agentguard "), run.out());
        for (String line : run.out().split(System.lineSeparator())) {
            assertTrue(line.length() <= 80, () -> "help lines fit 80 columns: " + line);
        }
    }

    @Test
    void noCommandShowsTheUsageOnStderrWithExitCode2() {
        ToolRun run = ToolRun.run();

        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("Usage: agentguard "), run.err());
    }

    @Test
    void anUnknownCommandIsOneLineAndExitCode2() {
        ToolRun run = ToolRun.run("delete", "/tmp");

        run.assertOneLineError(2);
        assertEquals("agentguard: Unmatched arguments from index 0: 'delete', '/tmp' (see 'agentguard --help')",
                run.errorLine());
    }

    @Test
    void anUnknownOptionIsOneLineAndExitCode2() {
        ToolRun run = ToolRun.run("list", "/tmp", "--bogus");

        run.assertOneLineError(2);
        assertEquals("agentguard list: Unknown option: '--bogus' (see 'agentguard list --help')", run.errorLine());
    }

    @Test
    void versionNamesTheTool() {
        ToolRun run = ToolRun.run("--version");

        assertEquals(0, run.exitCode());
        assertTrue(run.out().startsWith("agentguard "), run.out());
    }
}

package dev.agentguard.cli;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** One in-process run of the tool: its exit code, stdout and stderr. */
record ToolRun(int exitCode, String out, String err) {

    /** Runs {@code agentguard args...} with an empty environment. */
    static ToolRun run(String... args) {
        return runWith(Map.of(), args);
    }

    /** Runs {@code agentguard args...} with {@code environment} as the process environment. */
    static ToolRun runWith(Map<String, String> environment, String... args) {
        return runWith(new ByteArrayInputStream(new byte[0]), environment, args);
    }

    /** Runs {@code agentguard args...} with {@code stdin} (UTF-8) as standard input. */
    static ToolRun runWithInput(String stdin, String... args) {
        return runWithInput(stdin.getBytes(StandardCharsets.UTF_8), args);
    }

    /** Runs {@code agentguard args...} with {@code stdin} as standard input. */
    static ToolRun runWithInput(byte[] stdin, String... args) {
        return runWith(new ByteArrayInputStream(stdin), Map.of(), args);
    }

    private static ToolRun runWith(InputStream stdin, Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = AgentGuardCommand.commandLine(stdin, new PrintWriter(out), new PrintWriter(err), environment)
                .execute(args);
        return new ToolRun(exitCode, out.toString(), err.toString());
    }

    List<String> outLines() {
        return out.lines().toList();
    }

    /** Asserts the run failed with {@code exitCode} and exactly one line on stderr, with no stack trace. */
    ToolRun assertOneLineError(int expectedExitCode) {
        assertEquals(expectedExitCode, exitCode, () -> "exit code; stdout:\n" + out + "\nstderr:\n" + err);
        assertEquals(1, err.lines().count(), () -> "stderr should be one line:\n" + err);
        assertFalse(err.contains("\tat "), () -> "stderr has a stack trace:\n" + err);
        return this;
    }

    /** The single stderr line. */
    String errorLine() {
        return err.strip();
    }
}

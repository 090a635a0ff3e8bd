package dev.agentguard.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The shaded {@code agentguard.jar} runs the policy and mask commands in a JVM of its own, with
 * nothing but {@code java -jar}: every dependency (JSqlParser, Jackson YAML, core) is inside.
 *
 * <p>Runs in the {@code integration-test} phase, after {@code package} has built the jar (see
 * this module's pom); run from an IDE without a built jar it is skipped.
 */
class ShadedJarIT {
    private static Path jar;

    @TempDir
    Path tmp;

    @BeforeAll
    static void findJar() {
        jar = Path.of(System.getProperty("agentguard.jar", "target/agentguard.jar")).toAbsolutePath();
        assumeTrue(Files.isRegularFile(jar), "the shaded jar is built: " + jar);
    }

    private record Result(int exitCode, String out, String err) {
    }

    private static Result run(String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("agentguard-jar-out", ".txt");
        Path err = Files.createTempFile("agentguard-jar-err", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("java -jar agentguard.jar did not exit within 120 s");
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Test
    void policyCheckRunsFromTheJarAndExitsWithTheDecision() throws Exception {
        Path policy = Files.writeString(tmp.resolve("pci.yaml"), String.join("\n",
                "policy: payments",
                "default: deny",
                "rules:",
                "  - id: no-delete-without-where",
                "    deny: { sql: { kinds: [UPDATE, DELETE], whereMissing: true } }",
                "  - id: read-cards",
                "    allow: { sql: { kinds: [SELECT], tablesRead: [cards] } }",
                ""));

        Result denied = run("", "policy", "check", "--policy", policy.toString(), "--agent", "payments-bot",
                "DELETE FROM cards");
        Result allowed = run("", "policy", "check", "--policy", policy.toString(), "--agent", "payments-bot",
                "SELECT id FROM cards WHERE id = 7");

        assertEquals(3, denied.exitCode(), denied.err());
        assertTrue(denied.out().startsWith("DELETE FROM cards\n  decision   denied\n  rule       no-delete-without-where\n"),
                denied.out());
        assertEquals("", denied.err());
        assertEquals(0, allowed.exitCode(), allowed.err());
        assertTrue(allowed.out().startsWith("SELECT id FROM cards WHERE id = ?\n  decision   allowed\n"), allowed.out());
    }

    @Test
    void maskRunsFromTheJar() throws Exception {
        Result r = run("card 4111 1111 1111 1111\n", "mask", "--count");

        assertEquals(0, r.exitCode(), r.err());
        assertEquals("card 4111 11** **** 1111\n", r.out());
        assertEquals("agentguard mask: masked 1 value: pan 1\n", r.err());
    }

    @Test
    void aMalformedPolicyIsOneLineAndExitCode2FromTheJar() throws Exception {
        Path policy = Files.writeString(tmp.resolve("bad.yaml"), "policy: payments\ndefault: deny\nrulez: []\n");

        Result r = run("", "policy", "test", policy.toString());

        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("agentguard policy test: " + policy + ":3:1: "), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }
}

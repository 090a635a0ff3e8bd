package dev.agentguard.audit.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts a class's main method in a separate JVM with this test's class path. */
public final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final BufferedReader stdout;

    private ChildJvm(Process process) {
        this.process = process;
        this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Starts {@code main} with the Chronicle JVM flags (or without, when {@code withFlags} is false). */
    public static ChildJvm start(Class<?> main, boolean withFlags, String... args) throws IOException {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        if (withFlags) {
            cmd.addAll(Arrays.asList(System.getProperty("agentguard.test.jvmFlags",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED "
                            + "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED").trim().split("\\s+")));
        }
        cmd.add("-Xmx256m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        return new ChildJvm(pb.start());
    }

    /** Reads output lines until one starts with {@code prefix}; fails if the child ends first. */
    public String awaitLine(String prefix) throws IOException {
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = stdout.readLine()) != null) {
            if (line.startsWith(prefix)) {
                return line;
            }
            seen.append(line).append('\n');
        }
        throw new AssertionError("child JVM ended without printing '" + prefix + "'; it printed:\n" + seen);
    }

    /** The rest of the output, after the child has exited. */
    public String remainingOutput() throws IOException {
        StringBuilder sb = new StringBuilder();
        String line;
        while ((line = stdout.readLine()) != null) {
            sb.append(line).append('\n');
        }
        return sb.toString();
    }

    /** Kills the child with SIGKILL and waits for it to be gone. */
    public void killHard() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("child JVM did not die within 30 s of SIGKILL");
        }
    }

    /** Waits for a normal exit and returns the exit code. */
    public int awaitExit() throws InterruptedException {
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child JVM did not exit within 120 s");
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}

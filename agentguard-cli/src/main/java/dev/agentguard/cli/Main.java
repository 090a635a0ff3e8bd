package dev.agentguard.cli;

import picocli.CommandLine;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** Entry point of the {@code agentguard} executable. */
public final class Main {
    private Main() {
    }

    /** Runs the tool and exits with its exit code (see {@link ExitCodes}). */
    public static void main(String[] args) {
        // Chronicle's disk-space monitor thread only warns about low space on the stderr of a
        // read-only tool; the tool's own errors are the only thing it should print there.
        if (System.getProperty("chronicle.disk.monitor.disable") == null) {
            System.setProperty("chronicle.disk.monitor.disable", "true");
        }
        // JSON is UTF-8 by definition, and journal text may hold any character.
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)));
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        CommandLine commandLine = AgentGuardCommand.commandLine(out, err);

        // Ctrl+C ends 'tail -f' the way an interrupt does, so that the command finishes normally
        // and the access journal still records the use and closes cleanly.
        Thread main = Thread.currentThread();
        AtomicBoolean finished = new AtomicBoolean();
        Thread stopper = new Thread(() -> {
            if (!finished.get()) {
                main.interrupt();
                try {
                    main.join(TimeUnit.SECONDS.toMillis(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "agentguard-stop");
        Runtime.getRuntime().addShutdownHook(stopper);

        int exitCode = commandLine.execute(args);
        out.flush();
        err.flush();
        finished.set(true);
        try {
            Runtime.getRuntime().removeShutdownHook(stopper);
        } catch (IllegalStateException shuttingDown) {
            return; // the JVM is already exiting (Ctrl+C); System.exit would block until it has
        }
        System.exit(exitCode);
    }
}

package dev.agentguard.cli;

import dev.agentguard.audit.journal.JournalException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * A subcommand that works on one directory (a journal, or where keys go). Its single error path
 * turns whatever {@link #run()} throws into a one-line {@link Failure} and an exit code, and it
 * names the directory for the access journal.
 */
abstract class ToolCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    private Failure failure;

    @Override
    public final Integer call() {
        failure = null; // picocli reuses command objects between executions
        try {
            return run();
        } catch (Exception | InternalError | LinkageError e) {
            // InternalError: a fault on a memory-mapped page of a truncated journal file.
            // LinkageError: Chronicle failing to initialise. Both are bad input for a reader tool.
            failure = classify(e);
            return root().report(spec.qualifiedName(), failure);
        } finally {
            out().flush();
        }
    }

    /** Does the work and returns the exit code. */
    abstract int run() throws Exception;

    /** The directory (or file) this use of the tool inspects or writes: the access journal's "resource". */
    abstract Path resource();

    /**
     * Whether a use is recorded in the access journal (PCI DSS 10.2.1.3: access to audit logs).
     * Commands that read or write journals and keys are; commands that touch neither (policy
     * checks, masking) are not, so that the SQL or text they were given never lands in a journal.
     */
    boolean recordedInAccessJournal() {
        return true;
    }

    /** How this command judges an exception; {@code verify} treats damaged files as an integrity failure. */
    Failure classify(Throwable e) {
        Path subject = resource() == null ? null : resource().toAbsolutePath().normalize();
        // The audit module's own exceptions already name the file; Chronicle's do not.
        if (subject != null && !(e instanceof JournalException) && DamagedJournal.raisedByChronicle(e)) {
            return damagedJournal(subject, e);
        }
        return Failure.of(e, subject);
    }

    /** Chronicle could not read {@code journal}: unreadable input (exit code 2) for the reading commands. */
    Failure damagedJournal(Path journal, Throwable e) {
        return Failure.input(DamagedJournal.describe(journal, e), e);
    }

    /** The failure of the last run, if it failed: the access journal records its message. */
    Failure failure() {
        return failure;
    }

    InputStream in() {
        return root().in();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    boolean json() {
        return root().json();
    }

    private AgentGuardCommand root() {
        return (AgentGuardCommand) spec.root().userObject();
    }
}

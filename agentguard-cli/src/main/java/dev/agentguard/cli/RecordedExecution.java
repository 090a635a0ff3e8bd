package dev.agentguard.cli;

import dev.agentguard.audit.journal.JournalException;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

import java.nio.file.Path;

/**
 * Runs the chosen subcommand and, when an access journal is configured, records the use there
 * (PCI DSS 10.2.1.3). The access journal is opened first, and a journal that cannot be opened
 * stops the command before it reads anything: access is never unrecorded because the record
 * could not be written.
 */
final class RecordedExecution implements CommandLine.IExecutionStrategy {
    private final AgentGuardCommand root;

    RecordedExecution(AgentGuardCommand root) {
        this.root = root;
    }

    @Override
    public int execute(ParseResult parseResult) {
        ParseResult leaf = parseResult;
        while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
        }
        Path accessDir = root.accessJournalDirectory();
        if (accessDir == null || helpRequested(parseResult)
                || !(leaf.commandSpec().userObject() instanceof ToolCommand tool)
                || !tool.recordedInAccessJournal()) {
            return new CommandLine.RunLast().execute(parseResult);
        }
        String commandName = leaf.commandSpec().qualifiedName();
        Path resource = tool.resource() == null ? null : tool.resource().toAbsolutePath().normalize();
        if (resource != null && resource.equals(accessDir.toAbsolutePath().normalize())) {
            // Recording into the journal under inspection would change the evidence being read.
            return root.report(commandName, Failure.input("the access journal " + accessDir + " must not be the "
                    + "directory the command works on; record access in a journal of its own", null));
        }
        AccessJournal access;
        try {
            access = AccessJournal.open(accessDir);
        } catch (JournalException e) {
            return root.report(commandName, Failure.input("cannot write the access journal: " + e.getMessage()
                    + "; the command did not run", e));
        } catch (RuntimeException | InternalError | LinkageError e) {
            // Chronicle failing underneath (or the JVM shutting down): still fail closed, in one line.
            return root.report(commandName, Failure.input("cannot write the access journal " + accessDir + " ("
                    + Failure.describe(e) + "); the command did not run", e));
        }
        int exitCode = ExitCodes.USAGE_OR_UNREADABLE_INPUT;
        try {
            exitCode = new CommandLine.RunLast().execute(parseResult);
        } finally {
            exitCode = record(access, parseResult, commandName, resource, exitCode, tool.failure());
        }
        return exitCode;
    }

    /** Appends the use and closes the access journal; a use that cannot be recorded fails the command. */
    private int record(AccessJournal access, ParseResult parseResult, String commandName, Path resource, int exitCode,
                       Failure failure) {
        try (AccessJournal journal = access) {
            journal.record(System.getProperty("user.name"), parseResult.originalArgs(), resource, exitCode,
                    failure == null ? null : failure.message());
            return exitCode;
        } catch (JournalException e) {
            return root.report(commandName, Failure.input("cannot record this use in the access journal: "
                    + e.getMessage(), e));
        } catch (RuntimeException | InternalError | LinkageError e) {
            return root.report(commandName, Failure.input("cannot record this use in the access journal "
                    + access.directory() + " (" + Failure.describe(e) + ")", e));
        }
    }

    private static boolean helpRequested(ParseResult parseResult) {
        for (ParseResult p = parseResult; p != null; p = p.hasSubcommand() ? p.subcommand() : null) {
            if (p.isUsageHelpRequested() || p.isVersionHelpRequested()) {
                return true;
            }
        }
        return false;
    }
}

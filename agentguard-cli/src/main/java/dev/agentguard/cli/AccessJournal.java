package dev.agentguard.cli;

import dev.agentguard.audit.Channel;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.journal.JournalException;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The journal that records each use of the tool (PCI DSS 10.2.1.3: access to audit logs).
 *
 * <p>It is opened before the command runs, which writes and forces the journal's own open event:
 * a journal that cannot take that write stops the command before it reads anything (fail
 * closed). After the command, one event records who ran what on which directory and how it
 * ended.
 */
final class AccessJournal implements AutoCloseable {
    /** The count under which the access event records the tool's exit code. */
    static final String EXIT_CODE_COUNT = "exitCode";

    private static final Pattern PLAIN_ARG = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private final Journal journal;

    private AccessJournal(Journal journal) {
        this.journal = journal;
    }

    /** Opens (or creates) the access journal in {@code directory}. */
    static AccessJournal open(Path directory) throws JournalException {
        return new AccessJournal(Journal.builder(directory).open());
    }

    /**
     * Appends the access event: phase SYSTEM, channel TOOL, the OS user as agent, the command
     * line as action, the inspected directory as resource, the outcome and the exit code.
     */
    void record(String user, List<String> args, Path resource, int exitCode, String error) throws JournalException {
        EventDraft draft = EventDraft.of(Phase.SYSTEM, Channel.TOOL)
                .agent(user)
                .action(commandLine(args))
                .count(EXIT_CODE_COUNT, exitCode);
        if (resource != null) {
            draft.resource(resource.toAbsolutePath().normalize().toString());
        }
        if (exitCode == ExitCodes.OK) {
            draft.succeeded();
        } else {
            draft.failed(error == null ? "exit code " + exitCode : error);
        }
        journal.append(draft);
    }

    /** The directory of the access journal. */
    Path directory() {
        return journal.directory();
    }

    @Override
    public void close() throws JournalException {
        journal.close();
    }

    /** "agentguard verify /var/journal --public-key 'my key.pub'": quoted like a shell would need. */
    static String commandLine(List<String> args) {
        StringBuilder sb = new StringBuilder("agentguard");
        for (String arg : args) {
            sb.append(' ');
            if (!arg.isEmpty() && PLAIN_ARG.matcher(arg).matches()) {
                sb.append(arg);
            } else {
                sb.append('\'').append(arg.replace("'", "'\\''")).append('\'');
            }
        }
        String text = sb.toString();
        return text.length() <= EventDraft.MAX_TEXT_LENGTH ? text
                : text.substring(0, EventDraft.MAX_TEXT_LENGTH - 3) + "...";
    }
}

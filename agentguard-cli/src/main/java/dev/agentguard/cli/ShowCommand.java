package dev.agentguard.cli;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.json.EventJson;
import dev.agentguard.audit.reader.JournalReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Optional;

/** {@code agentguard show}: every field of one event. */
@Command(name = "show",
        mixinStandardHelpOptions = true,
        description = {
                "Shows every field of one event: identity, action, decision, outcome, counts, extensions written by "
                        + "newer AgentGuard versions, and the event's hash and previous hash.",
                "For an SSH event, then prints the transcript of its session: each command with its decision and "
                        + "exit status.",
                "Event ids are printed by 'list --json' and 'show'; they look like 3f9a0c1b2d4e-42."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  agentguard show 3f9a0c1b2d4e-42 /srv/journal",
                "  agentguard show 3f9a0c1b2d4e-42 /srv/journal --json"})
final class ShowCommand extends ToolCommand {
    @Parameters(index = "0", paramLabel = "EVENT_ID", description = "The event id (journal id, dash, sequence).")
    String eventId;

    @Parameters(index = "1", paramLabel = "JOURNAL_DIR", description = "The journal directory.")
    Path journal;

    @Override
    int run() throws Exception {
        Optional<AuditEvent> found;
        try (JournalReader reader = JournalReader.open(journal)) {
            found = reader.find(eventId);
        }
        if (found.isEmpty()) {
            throw new InputException("no event " + SafeText.escape(eventId) + " in journal "
                    + journal.toAbsolutePath().normalize());
        }
        if (json()) {
            out().println(EventJson.toJson(found.get()));
        } else {
            EventDetails.lines(found.get()).forEach(out()::println);
            AuditEvent e = found.get();
            if (e.channel() == Channel.SSH && e.sessionId() != null) {
                SessionTranscript.print(journal, e.sessionId(), out());
            }
        }
        return ExitCodes.OK;
    }

    @Override
    Path resource() {
        return journal;
    }
}

package dev.agentguard.cli;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.reader.EventFilter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;

/** {@code agentguard list}: the events of a journal as a table, newest last. */
@Command(name = "list",
        mixinStandardHelpOptions = true,
        description = {
                "Lists the events of a journal, oldest first and newest last: sequence, time (UTC), phase, agent, "
                        + "channel, decision, rule and action (long values are cut; 'show' prints an event in full).",
                "Given several journal directories (the agents of a host, or a collected archive), merges their "
                        + "events in time order.",
                "With --json, prints one JSON object per event and line."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  agentguard list /srv/journal",
                "  agentguard list /srv/journal --agent payments-agent --decision denied",
                "  agentguard list /srv/journal --from 2026-11-25 --until 2026-11-26T06:00:00Z",
                "  agentguard list /srv/journal --channel jdbc --limit 20 --json",
                "  agentguard list /srv/agents/*/journal --decision denied"})
final class ListCommand extends ToolCommand {
    @Parameters(arity = "1..*", paramLabel = "JOURNAL_DIR",
            description = "The journal directory; several are merged in time order.")
    List<Path> journals;

    @Mixin
    FilterOptions filters;

    @Option(names = "--limit", paramLabel = "N",
            description = "Only the newest N matching events (still printed newest last).")
    Integer limit;

    @Override
    int run() throws Exception {
        EventFilter filter = filters.toFilter();
        if (limit != null && limit < 1) {
            throw new InputException("--limit must be 1 or more, got " + limit);
        }
        EventOutput output = EventOutput.of(json(), out());
        try (MergedEvents events = MergedEvents.open(journals, filter,
                ((AgentGuardCommand) spec.root().userObject()).accessJournalDirectory())) {
            if (limit == null) {
                AuditEvent e;
                while ((e = events.next()) != null) {
                    output.print(e);
                }
            } else {
                events.last(limit).forEach(output::print);
            }
        }
        output.finishList();
        return ExitCodes.OK;
    }

    @Override
    Path resource() {
        return journals.get(0);
    }
}

package dev.agentguard.cli;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.journal.JournalException;
import dev.agentguard.audit.reader.EventFilter;
import dev.agentguard.audit.reader.JournalReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;

/** {@code agentguard tail}: the last events of a journal, and with {@code -f} the ones that follow. */
@Command(name = "tail",
        mixinStandardHelpOptions = true,
        description = {
                "Prints the last N matching events of a journal, newest last, in the same table as 'list' "
                        + "(or as JSON lines with --json).",
                "With -f, keeps printing new events as the agent's JVM writes them, until interrupted (Ctrl+C)."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  agentguard tail /var/lib/agentguard/journal",
                "  agentguard tail /var/lib/agentguard/journal -n 50 --decision denied",
                "  agentguard tail /var/lib/agentguard/journal -f --agent payments-agent",
                "  agentguard tail /var/lib/agentguard/journal -f -n 0 --json | jq .action"})
final class TailCommand extends ToolCommand {
    /** How often {@code -f} looks for new events. */
    static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    @Parameters(index = "0", paramLabel = "JOURNAL_DIR", description = "The journal directory.")
    Path journal;

    @Mixin
    FilterOptions filters;

    @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "10",
            description = "How many of the last matching events to print first (default: ${DEFAULT-VALUE}).")
    int lines;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new events until interrupted.")
    boolean follow;

    @Override
    int run() throws Exception {
        EventFilter filter = filters.toFilter();
        if (lines < 0) {
            throw new InputException("-n must be 0 or more, got " + lines);
        }
        EventOutput output = EventOutput.of(json(), out());
        try (JournalReader reader = JournalReader.open(journal)) {
            ArrayDeque<AuditEvent> last = new ArrayDeque<>();
            long lastSequence = 0;
            try (JournalReader.JournalCursor cursor = reader.cursor(EventFilter.all())) {
                AuditEvent e;
                while ((e = cursor.next()) != null) {
                    lastSequence = e.sequence();
                    if (lines > 0 && filter.test(e)) {
                        if (last.size() == lines) {
                            last.removeFirst();
                        }
                        last.addLast(e);
                    }
                }
            }
            last.forEach(output::print);
            if (!follow) {
                output.finishList();
                return ExitCodes.OK;
            }
            out().flush();
            follow(reader, filter, lastSequence, output);
        }
        return ExitCodes.OK;
    }

    /**
     * Prints events after {@code seen} as they arrive. JournalReader.follow starts from the first
     * event, so the events already printed are skipped by sequence number.
     */
    private void follow(JournalReader reader, EventFilter filter, long seen, EventOutput output) throws JournalException {
        try {
            reader.follow(filter, e -> {
                if (e.sequence() > seen) {
                    output.print(e);
                    out().flush();
                }
            }, POLL_INTERVAL, () -> true);
        } catch (JournalException e) {
            if (!Thread.currentThread().isInterrupted()) {
                throw e;
            }
            // Interrupted in the middle of a read: that is the signal to stop, not damage.
        }
        // The interrupt was the request to stop following and has been honoured; clear it so
        // that the access journal can still record this use (file channels refuse interrupted threads).
        Thread.interrupted();
    }

    @Override
    Path resource() {
        return journal;
    }
}

package dev.agentguard.cli;

import dev.agentguard.audit.journal.JournalException;
import dev.agentguard.audit.reader.EventFilter;
import dev.agentguard.audit.reader.JournalReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;

/** {@code agentguard tail}: the last events of a journal, and with {@code -f} the ones that follow. */
@Command(name = "tail",
        mixinStandardHelpOptions = true,
        description = {
                "Prints the last N matching events of a journal, newest last, in the same table as 'list' "
                        + "(or as JSON lines with --json).",
                "With -f, keeps printing new events as the agent's JVM writes them, until interrupted (Ctrl+C)."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  agentguard tail /srv/journal",
                "  agentguard tail /srv/journal -n 50 --decision denied",
                "  agentguard tail /srv/journal -f --agent payments-agent",
                "  agentguard tail /srv/journal -f -n 0 --json | jq -r .action"})
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
            long lastSequence;
            try (CheckedEvents events = new CheckedEvents(reader, filter)) {
                events.last(lines).forEach(output::print);
                lastSequence = events.lastSequence();
            }
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
     * Prints the matching events after {@code seen} as they arrive, until the thread is
     * interrupted. The events up to {@code seen} were printed already; the reader passes over
     * them without decoding them.
     */
    private void follow(JournalReader reader, EventFilter filter, long seen, EventOutput output) throws Exception {
        SequenceCheck sequence = new SequenceCheck();
        try {
            reader.follow(EventFilter.all(), seen, e -> {
                String gap = sequence.gapBefore(e);
                if (gap != null) {
                    throw new GapFound(gap);
                }
                if (filter.test(e)) {
                    output.print(e);
                    out().flush();
                }
            }, POLL_INTERVAL, () -> true);
        } catch (GapFound e) {
            throw new InputException(journal.toAbsolutePath().normalize() + ": " + e.getMessage());
        } catch (JournalException e) {
            if (!Thread.currentThread().isInterrupted()) {
                throw e;
            }
            // Interrupted in the middle of a read: that is the signal to stop, not damage.
        }
        // The interrupt asked us to stop following and has been honoured. Clear it, so that the
        // access journal can still record this use: file channels refuse interrupted threads.
        Thread.interrupted();
    }

    /** Carries a sequence gap out of the follow callback, which cannot throw checked exceptions. */
    private static final class GapFound extends RuntimeException {
        GapFound(String gap) {
            super(gap, null, false, false);
        }
    }

    @Override
    Path resource() {
        return journal;
    }
}

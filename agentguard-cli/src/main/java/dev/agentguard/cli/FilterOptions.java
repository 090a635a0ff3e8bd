package dev.agentguard.cli;

import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.reader.EventFilter;
import picocli.CommandLine.Option;

import java.time.Instant;

/** The event filters shared by {@code list}, {@code tail} and {@code export}; all given filters must match. */
final class FilterOptions {
    @Option(names = "--agent", paramLabel = "AGENT_ID", description = "Only events of this agent id (exact).")
    String agent;

    @Option(names = "--on-behalf-of", paramLabel = "USER", description = "Only events for this human user (exact).")
    String onBehalfOf;

    @Option(names = "--session", paramLabel = "SESSION_ID", description = "Only events of this session (exact).")
    String session;

    @Option(names = "--channel", paramLabel = "CHANNEL", converter = NameConverter.ForChannel.class,
            description = "Only this channel: jdbc, http, ssh, journal or tool.")
    Channel channel;

    @Option(names = "--decision", paramLabel = "DECISION", converter = NameConverter.ForDecision.class,
            description = "Only this decision: allowed, denied, approval-required, approved or masked.")
    Decision decision;

    @Option(names = "--phase", paramLabel = "PHASE", converter = NameConverter.ForPhase.class,
            description = "Only this phase: intent, outcome, identity, approval, policy or system.")
    Phase phase;

    @Option(names = "--from", paramLabel = "TIME", converter = TimeArgument.From.class,
            description = "Only events at or after TIME. TIME is an instant (2026-11-25T22:00:00Z), a date-time "
                    + "with offset (2026-11-25T23:00:00+01:00) or a UTC date (2026-11-25: from the start of that day).")
    Instant from;

    @Option(names = "--until", paramLabel = "TIME", converter = TimeArgument.Until.class,
            description = "Only events before TIME; a date (2026-11-25) includes that whole UTC day.")
    Instant until;

    /** The filter these options describe. */
    EventFilter toFilter() throws InputException {
        if (from != null && until != null && !from.isBefore(until)) {
            throw new InputException("the time range is empty: --from is " + from + " and --until is " + until
                    + " (a date given to --until includes that whole UTC day)");
        }
        try {
            return EventFilter.all().agent(agent).onBehalfOf(onBehalfOf).session(session).channel(channel)
                    .decision(decision).phase(phase).from(from).until(until);
        } catch (IllegalArgumentException e) {
            throw new InputException(e.getMessage());
        }
    }
}

package dev.agentguard.ship.verify;

import java.util.List;
import java.util.Set;

/**
 * What central verification found for one journal's chain in the topic.
 *
 * @param journalId          the journal
 * @param agents             the record keys its records carried (normally one agent id)
 * @param events             distinct events checked (hash recomputed, JSON compared, chain linked)
 * @param firstSequence      the first event in the topic, 0 when none
 * @param lastSequence       the last event in the topic, 0 when none
 * @param gaps               events missing between the first and the last
 * @param duplicatesDropped  identical copies of events seen before (at-least-once redelivery)
 * @param checkpointsChecked events named by a checkpoint whose hash matched the shipped event (and whose
 *                           signature held, given a key); a checkpoint seen on both topics counts once
 * @param lastCheckpoint     the highest event a verified checkpoint names, 0 when none
 * @param failurePosition    where the first failure is ({@code topic-partition@offset}), or {@code null}
 * @param failure            what is wrong there, or {@code null} when the chain is intact
 */
public record ChainReport(String journalId, Set<String> agents, long events, long firstSequence, long lastSequence,
                          List<SequenceRange> gaps, long duplicatesDropped, long checkpointsChecked, long lastCheckpoint,
                          String failurePosition, String failure) {
    public ChainReport {
        agents = Set.copyOf(agents);
        gaps = List.copyOf(gaps);
    }

    /** True when nothing is missing and nothing was changed, forged or cut off. */
    public boolean intact() {
        return failure == null && gaps.isEmpty();
    }

    /** Events missing, in all gaps. */
    public long missingEvents() {
        return gaps.stream().mapToLong(SequenceRange::size).sum();
    }

    /** The agent (record key) shown for this chain: the only one, or all of them joined. */
    public String agent() {
        return agents.isEmpty() ? "-" : String.join(",", new java.util.TreeSet<>(agents));
    }

    /** One sentence for the first problem, or {@code null} when intact. */
    public String problem() {
        if (failure != null) {
            return failure;
        }
        if (!gaps.isEmpty()) {
            SequenceRange g = gaps.get(0);
            return (g.size() == 1 ? "event " + g.first() + " is" : "events " + g.first() + " to " + g.last() + " are")
                    + " missing from the topic" + (gaps.size() > 1 ? " (and " + (gaps.size() - 1) + " more gaps)" : "");
        }
        return null;
    }
}

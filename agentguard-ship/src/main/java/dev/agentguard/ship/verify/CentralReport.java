package dev.agentguard.ship.verify;

import java.util.List;
import java.util.Optional;

/**
 * What {@link CentralVerifier} found in a topic: a report per journal chain, and problems that
 * belong to no chain (a record that is not a shipped AgentGuard record).
 *
 * @param topic              the events topic
 * @param checkpointsTopic   the compacted checkpoints topic, or {@code null} when not read
 * @param recordsRead        records read from the events topic
 * @param chains             one report per journal, by agent and journal id
 * @param strayPosition      where the first record that is not a shipped AgentGuard record is, or {@code null}
 * @param stray              what is wrong with it, or {@code null}
 * @param signaturesChecked  true when checkpoint signatures were checked with a public key
 * @param notes              things worth knowing that are not failures
 */
public record CentralReport(String topic, String checkpointsTopic, long recordsRead, List<ChainReport> chains,
                            String strayPosition, String stray, boolean signaturesChecked, List<String> notes) {
    public CentralReport {
        chains = List.copyOf(chains);
        notes = List.copyOf(notes);
    }

    /** True when every chain is intact and the topic holds nothing else. */
    public boolean intact() {
        return stray == null && chains.stream().allMatch(ChainReport::intact);
    }

    /** The first chain that is not intact, if any. */
    public Optional<ChainReport> firstBrokenChain() {
        return chains.stream().filter(c -> !c.intact()).findFirst();
    }
}

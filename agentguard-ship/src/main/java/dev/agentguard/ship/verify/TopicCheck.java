package dev.agentguard.ship.verify;

import dev.agentguard.ship.kafka.KafkaRecords;

import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Routes the records of a topic to the chain of their journal and collects the reports. */
final class TopicCheck {
    private static final Pattern JOURNAL_ID = Pattern.compile("[0-9a-f]{12}");

    private final PublicKey publicKey;
    private final Map<String, ChainCheck> chains = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private long records;
    private String strayPosition;
    private String stray;

    TopicCheck(PublicKey publicKey) {
        this.publicKey = publicKey;
    }

    /** A record of the events topic. */
    void eventsTopicRecord(ShippedRecord r) {
        records++;
        String type = r.type();
        if (type == null || r.journal() == null || !JOURNAL_ID.matcher(r.journal()).matches()) {
            stray(r.position(), "not a shipped AgentGuard record (no " + KafkaRecords.TYPE + " header, or no valid "
                    + KafkaRecords.JOURNAL + " header)");
            return;
        }
        ChainCheck chain = chain(r.journal());
        switch (type) {
            case KafkaRecords.TYPE_EVENT -> chain.event(r);
            case KafkaRecords.TYPE_CHECKPOINT -> chain.checkpoint(r, null);
            default -> stray(r.position(), "unknown record type '" + type + "'");
        }
    }

    /** A record of the compacted checkpoints topic (only the newest per journal is kept there). */
    void checkpointsTopicRecord(ShippedRecord r, String topic) {
        if (r.journal() == null || !JOURNAL_ID.matcher(r.journal()).matches()) {
            stray(r.position(), "not a shipped AgentGuard checkpoint (no valid " + KafkaRecords.JOURNAL + " header)");
            return;
        }
        chain(r.journal()).checkpoint(r, "checkpoints topic " + topic);
    }

    void note(String note) {
        notes.add(note);
    }

    private ChainCheck chain(String journalId) {
        return chains.computeIfAbsent(journalId, id -> new ChainCheck(id, publicKey));
    }

    private void stray(String position, String message) {
        if (stray == null) {
            strayPosition = position;
            stray = message;
        }
    }

    CentralReport finish(String topic, String checkpointsTopic) {
        List<ChainReport> reports = new ArrayList<>();
        for (ChainCheck c : chains.values()) {
            reports.add(c.finish());
        }
        reports.sort(Comparator.comparing(ChainReport::agent).thenComparing(ChainReport::journalId));
        for (ChainReport c : reports) {
            if (c.agents().size() > 1) {
                notes.add("journal " + c.journalId() + " was shipped under several agent ids (" + c.agent()
                        + "); its records are not all on one partition");
            }
            if (c.events() > 0 && c.firstSequence() > 1) {
                notes.add("journal " + c.journalId() + " starts at event " + c.firstSequence()
                        + " in the topic (shipping started later, or the topic's retention removed older records)");
            }
        }
        if (publicKey == null) {
            notes.add("checkpoint signatures not checked: pass the journals' public key to check them");
        }
        return new CentralReport(topic, checkpointsTopic, records, reports, strayPosition, stray, publicKey != null,
                notes);
    }
}

package dev.agentguard.cli;

import dev.agentguard.audit.integrity.JournalIntegrityException;
import dev.agentguard.ship.verify.CentralReport;
import dev.agentguard.ship.verify.CentralVerifier;
import dev.agentguard.ship.verify.ChainReport;
import dev.agentguard.ship.verify.SequenceRange;
import dev.agentguard.ship.verify.VerificationException;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code agentguard verify --kafka}: central verification of the journals shipped to a topic,
 * one line per agent's chain, and an integrity failure naming the first bad record.
 */
final class KafkaVerification {
    private static final String ROW = "  %-20s  %-12s  %9s  %-17s  %6s  %10s  %11s  %s";

    private KafkaVerification() {
    }

    static int run(String bootstrap, String topic, String checkpointsTopic, Path kafkaConfig, PublicKey key, boolean json,
                   PrintWriter out) throws Exception {
        CentralVerifier.Builder b;
        try {
            b = CentralVerifier.builder(bootstrap).topic(topic);
            if (checkpointsTopic != null) {
                b.checkpointsTopic(checkpointsTopic);
            }
            if (kafkaConfig != null) {
                b.properties(KafkaConfigFile.read(kafkaConfig));
            }
        } catch (IllegalArgumentException e) {
            throw new InputException(e.getMessage());
        }
        if (key != null) {
            b.publicKey(key);
        }
        CentralReport report;
        try {
            report = b.build().verify();
        } catch (VerificationException e) {
            throw new InputException(e.getMessage());
        }
        if (json) {
            out.println(Json.object(toJson(report, bootstrap)));
        } else {
            print(report, bootstrap, out);
        }
        out.flush();
        if (report.stray() != null) {
            throw new JournalIntegrityException(report.strayPosition(), report.stray());
        }
        for (ChainReport c : report.chains()) {
            if (!c.intact()) {
                String position = c.failurePosition() != null ? c.failurePosition() : topic;
                throw new JournalIntegrityException(position, "journal " + c.journalId() + " (agent " + c.agent() + "): "
                        + c.problem());
            }
        }
        return ExitCodes.OK;
    }

    private static void print(CentralReport r, String bootstrap, PrintWriter out) {
        out.println((r.intact() ? "Topic intact: " : "Topic NOT intact: ") + r.topic() + " on " + bootstrap + " ("
                + r.recordsRead() + " records, " + r.chains().size() + " journal" + (r.chains().size() == 1 ? "" : "s")
                + ")");
        if (!r.chains().isEmpty()) {
            out.println(String.format(Locale.ROOT, ROW, "AGENT", "JOURNAL", "EVENTS", "SEQUENCE", "GAPS", "DUPLICATES",
                    "CHECKPOINTS", "STATUS").stripTrailing());
        }
        for (ChainReport c : r.chains()) {
            String status = c.intact() ? "intact"
                    : "FAILED" + (c.failurePosition() != null ? " at " + c.failurePosition() : ": " + c.problem());
            out.println(String.format(Locale.ROOT, ROW, SafeText.cell(c.agent(), 20), c.journalId(), c.events(),
                    c.events() == 0 ? "-" : c.firstSequence() + "-" + c.lastSequence(), c.missingEvents(),
                    c.duplicatesDropped(), c.checkpointsChecked(), SafeText.escape(status)).stripTrailing());
        }
        out.println("  signatures         " + (r.signaturesChecked() ? "checked with the given public key"
                : "not checked (give --public-key to check them)"));
        if (r.checkpointsTopic() != null) {
            out.println("  checkpoints topic  " + r.checkpointsTopic());
        }
        for (String note : r.notes()) {
            if (!note.startsWith("checkpoint signatures not checked")) {
                out.println("note: " + SafeText.escape(note));
            }
        }
    }

    private static Map<String, Object> toJson(CentralReport r, String bootstrap) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("status", r.intact() ? "intact" : "integrity-failure");
        o.put("bootstrap", bootstrap);
        o.put("topic", r.topic());
        o.put("checkpointsTopic", r.checkpointsTopic());
        o.put("records", r.recordsRead());
        List<Map<String, Object>> chains = new ArrayList<>();
        for (ChainReport c : r.chains()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("agent", c.agent());
            m.put("journalId", c.journalId());
            m.put("events", c.events());
            m.put("firstSequence", c.firstSequence());
            m.put("lastSequence", c.lastSequence());
            m.put("gaps", c.gaps().stream().map(SequenceRange::toString).toList());
            m.put("missingEvents", c.missingEvents());
            m.put("duplicatesDropped", c.duplicatesDropped());
            m.put("checkpointsChecked", c.checkpointsChecked());
            m.put("lastCheckpoint", c.lastCheckpoint());
            m.put("intact", c.intact());
            if (!c.intact()) {
                m.put("position", c.failurePosition());
                m.put("problem", c.problem());
            }
            chains.add(m);
        }
        o.put("chains", chains);
        if (r.stray() != null) {
            o.put("strayPosition", r.strayPosition());
            o.put("stray", r.stray());
        }
        o.put("signaturesChecked", r.signaturesChecked());
        o.put("notes", r.notes());
        return o;
    }
}

package dev.agentguard.ship.testing;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.integrity.CheckpointSigner;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.journal.JournalException;
import dev.agentguard.audit.reader.EventFilter;
import dev.agentguard.audit.reader.JournalReader;

import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;

/** Journals for shipping tests: realistic events, signed checkpoints. */
public final class TestJournals {
    /** The key pair every test journal signs its checkpoints with. */
    public static final KeyPair KEYS = CheckpointSigner.generateKeyPair();

    private TestJournals() {
    }

    /** A journal builder with a signer and a checkpoint every {@code checkpointEvery} events. */
    public static Journal.Builder journal(Path dir, int checkpointEvery) throws Exception {
        return Journal.builder(dir).signer(CheckpointSigner.of(KEYS)).checkpointEvery(checkpointEvery).minFreeSpace(0);
    }

    /** Appends {@code n} guarded-JDBC-like events of {@code agent}. */
    public static void append(Journal journal, String agent, int n) throws JournalException {
        for (int i = 0; i < n; i++) {
            journal.append(event(agent, i));
        }
    }

    /** One event as a JDBC channel writes it (already redacted). */
    public static EventDraft event(String agent, int i) {
        return EventDraft.of(i % 2 == 0 ? Phase.INTENT : Phase.OUTCOME, Channel.JDBC).agent(agent)
                .onBehalfOf("alice@example.com").session("s-" + (i / 100)).resource("ordersDb")
                .action("SELECT id, status FROM orders WHERE id = ? /* " + i + " */").objects("PUBLIC.ORDERS")
                .decision(i % 17 == 0 ? Decision.DENIED : Decision.ALLOWED, "rule-" + (i % 5));
    }

    /** Writes a closed journal of {@code n} agent events (plus its open and close events). */
    public static void write(Path dir, String agent, int n, int checkpointEvery) throws Exception {
        try (Journal j = journal(dir, checkpointEvery).open()) {
            append(j, agent, n);
        }
    }

    /** Every event of the journal in {@code dir}. */
    public static List<AuditEvent> events(Path dir) throws JournalException {
        try (JournalReader r = JournalReader.open(dir)) {
            return r.events(EventFilter.all());
        }
    }
}

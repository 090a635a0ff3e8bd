package dev.agentguard.audit.journal;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Channel;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.integrity.JournalVerifier;
import dev.agentguard.audit.integrity.VerificationSummary;
import dev.agentguard.audit.reader.EventFilter;
import dev.agentguard.audit.reader.JournalReader;
import dev.agentguard.audit.testing.ChildJvm;
import dev.agentguard.audit.testing.WriterProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Durability: a writer killed with SIGKILL under load leaves a journal that verifies and continues. */
class JournalCrashTest {

    @Test
    void continuesTheChainWithARestartEventAfterKillMinus9UnderLoad(@TempDir Path dir) throws Exception {
        try (ChildJvm child = ChildJvm.start(WriterProcess.class, true, dir.toString(), "2", "0", "forever")) {
            child.awaitLine("READY");
            child.killHard();
        }

        // The journal opens and verifies up to its last complete event.
        VerificationSummary before = JournalVerifier.forJournal(dir).verify();
        assertTrue(before.lastSequence() >= 5_000, "events written before the kill: " + before.lastSequence());
        assertEquals(before.lastSequence(), before.events());

        long appended;
        try (Journal journal = Journal.builder(dir).open()) {
            assertEquals(before.lastSequence() + 1, journal.lastSequence(), "the restart event follows the last complete event");
            appended = journal.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("after-restart").action("SELECT 1"));
        }

        VerificationSummary after = JournalVerifier.forJournal(dir).verify();
        assertEquals(before.lastSequence() + 3, after.lastSequence(), "restart, one event, close");
        assertTrue(after.notes().contains("1 restart(s) after a writer stopped without closing the journal"), after.notes().toString());

        try (JournalReader reader = JournalReader.open(dir)) {
            List<AuditEvent> tail = reader.events(EventFilter.all().from(null)).stream()
                    .filter(e -> e.sequence() > before.lastSequence()).toList();
            AuditEvent restart = tail.get(0);
            assertEquals(Phase.SYSTEM, restart.phase());
            assertEquals("journal.restart", restart.action());
            assertEquals(before.lastHash(), restart.previousHash());
            assertEquals(before.lastSequence(), restart.count("journal.last-sequence-before-restart").orElseThrow());
            assertEquals("after-restart", tail.get(1).agentId());
            assertEquals(appended, tail.get(1).sequence());
            assertEquals("journal.close", tail.get(2).action());
        }
    }
}

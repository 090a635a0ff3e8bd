package dev.agentguard.samples;

import dev.agentguard.audit.AuditEvent;
import dev.agentguard.audit.Decision;
import dev.agentguard.audit.integrity.CheckpointSigner;
import dev.agentguard.audit.integrity.JournalVerifier;
import dev.agentguard.audit.integrity.VerificationSummary;
import dev.agentguard.audit.reader.EventFilter;
import dev.agentguard.audit.reader.JournalReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoJournalTest {

    @Test
    void writesASignedVerifiableJournalWithTheDemoStoryAndReplacesAnOlderOne(@TempDir Path tmp) throws Exception {
        Path journal = tmp.resolve("demo-journal");
        Path keys = tmp.resolve("demo-keys");
        DemoJournal.run(journal, keys);
        DemoJournal.run(journal, keys); // a second run starts afresh

        VerificationSummary s = JournalVerifier.forJournal(journal)
                .publicKey(CheckpointSigner.readPublicKey(keys.resolve("checkpoint.pub"))).verify();
        assertEquals(12, s.events(), "open, ten demo events, close");
        assertTrue(s.checkpointsChecked() >= 2);
        try (JournalReader r = JournalReader.open(journal)) {
            List<String> denied = r.events(EventFilter.all().decision(Decision.DENIED)).stream().map(AuditEvent::ruleId).toList();
            assertEquals(List.of("no-delete-without-where", "no-cvv"), denied);
        }
        assertTrue(Files.readString(keys.resolve("checkpoint-signing.pem")).contains("BEGIN PRIVATE KEY"));
    }
}

package dev.agentguard.junit;

import dev.agentguard.audit.Channel;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.journal.RollCycle;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Configuration through {@link TempJournal}, on parameters so that no field competes. */
class TempJournalSettingsTest {

    @Test
    void checkpointsEveryNEvents(@TempJournal(checkpointEvery = 2) Journal journal) throws Exception {
        for (int i = 0; i < 4; i++) {
            journal.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("a").action("SELECT " + i));
        }
        // Checkpoints are written in the background; close() waits for them. journal.open is
        // event 1, the appends 2 to 5, journal.close 6: checkpoints after events 2, 4 and 6.
        // With the default (1000) only the closing checkpoint would be there.
        journal.close();
        assertEquals(3, Files.readAllLines(journal.directory().resolve("checkpoints.log")).size());
    }

    @Test
    void rollsFilesAsConfigured(@TempJournal(rollCycle = RollCycle.HOURLY) Journal hourly,
                                JournalAssert sameJournal) throws Exception {
        List<String> files = cycleFiles(hourly.directory());
        assertEquals(1, files.size(), files.toString());
        assertEquals(true, files.get(0).matches("\\d{8}-\\d{2}.*\\.cq4"), files.get(0));
        sameJournal.hasExactly(1).eventsMatching(e -> e.action("journal.open"));
    }

    private static List<String> cycleFiles(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cq4")).toList();
        }
    }
}

package dev.agentguard.audit.journal;

import dev.agentguard.audit.Channel;
import dev.agentguard.audit.EventDraft;
import dev.agentguard.audit.Phase;
import dev.agentguard.audit.integrity.JournalVerifier;
import dev.agentguard.audit.integrity.VerificationSummary;
import dev.agentguard.audit.testing.ChildJvm;
import dev.agentguard.audit.testing.WriterProcess;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PCI DSS 10.7.2: when an event cannot be written the caller gets an error; nothing is dropped silently. */
class JournalFailClosedTest {

    @Test
    void refusesWritesWithAClearErrorWhenARealDiskFillsUp(@TempDir Path tmp) throws Exception {
        Path mount = tmp.resolve("small-disk");
        Files.createDirectories(mount);
        Assumptions.assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", mount.toString()) == 0,
                "needs root to mount a 48 MiB tmpfs");
        try {
            Path dir = mount.resolve("journal");
            String line;
            int exit;
            try (ChildJvm child = ChildJvm.start(WriterProcess.class, true, dir.toString(), "2",
                    Long.toString(16L * 1024 * 1024), "until-refused")) {
                line = child.awaitLine("REFUSED");
                exit = child.awaitExit();
            }
            assertEquals(0, exit, "the writer must get an exception, not crash the JVM");
            Matcher m = Pattern.compile("REFUSED (\\d+) (.*)").matcher(line);
            assertTrue(m.matches(), line);
            long lastAcknowledged = Long.parseLong(m.group(1));
            assertTrue(m.group(2).startsWith("journal disk is full: "), m.group(2));
            assertTrue(m.group(2).endsWith(", the journal keeps at least 16777216; event not written"), m.group(2));

            // Every acknowledged event is there and the chain is intact.
            VerificationSummary s = JournalVerifier.forJournal(dir).verify();
            assertTrue(s.lastSequence() >= lastAcknowledged, s.lastSequence() + " < " + lastAcknowledged);
            assertTrue(lastAcknowledged > 10_000, "the disk should hold many events first: " + lastAcknowledged);
        } finally {
            run("umount", "-l", mount.toString());
        }
    }

    @Test
    void refusesToOpenWhenTheDiskHasLessThanTheReserve(@TempDir Path dir) {
        long free = dir.toFile().getUsableSpace();
        JournalException e = assertThrows(JournalException.class,
                () -> Journal.builder(dir.resolve("j")).minFreeSpace(free + (1L << 40)).open());
        assertTrue(e.getMessage().startsWith("journal disk is full: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("; event not written"), e.getMessage());
    }

    @Test
    void refusesAppendsAfterClose(@TempDir Path dir) throws Exception {
        Journal journal = Journal.builder(dir).open();
        journal.close();
        JournalException e = assertThrows(JournalException.class,
                () -> journal.append(EventDraft.of(Phase.INTENT, Channel.JDBC).agent("a").action("SELECT 1")));
        assertEquals("journal " + dir.toAbsolutePath() + " is closed; event not written", e.getMessage());
        assertFalse(journal.isOpen());
        journal.close(); // idempotent
        assertEquals(2, JournalVerifier.forJournal(dir).verify().lastSequence(), "journal.open and journal.close only");
    }

    @Test
    void refusesADirectoryThatCannotBeCreated(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("plain-file"), "x");
        JournalException e = assertThrows(JournalException.class, () -> Journal.builder(file.resolve("journal")).open());
        assertTrue(e.getMessage().startsWith("cannot create journal directory " + file.resolve("journal")), e.getMessage());
    }

    @Test
    void refusesADirectoryThatHoldsSomethingElse(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("notes.txt"), "not a journal");
        JournalException e = assertThrows(JournalException.class, () -> Journal.builder(tmp).open());
        assertEquals(tmp.toAbsolutePath() + " is not an AgentGuard journal (it has files but no metadata.cq4t); "
                + "choose an empty or new directory", e.getMessage());
    }

    private static int run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}

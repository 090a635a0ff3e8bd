package dev.agentguard.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whatever the input, the tool answers with one line on stderr and a non-zero exit code, never
 * a stack trace: 2 for input it cannot read, 1 when verify finds the journal damaged.
 */
class BadInputTest {
    @TempDir
    Path tmp;

    /** The reading commands, each run on {@code journal}. */
    private static List<String> command(String name, Path journal) {
        List<String> args = new ArrayList<>(List.of(name));
        if (name.equals("show")) {
            args.add("000000000000-1");
        }
        args.add(journal.toString());
        return args;
    }

    private static ToolRun run(List<String> args) {
        return ToolRun.run(args.toArray(String[]::new));
    }

    @ParameterizedTest
    @ValueSource(strings = {"list", "show", "tail", "verify", "export"})
    void aMissingDirectoryIsExitCode2(String name) {
        Path missing = tmp.resolve("missing");

        ToolRun result = run(command(name, missing)).assertOneLineError(2);

        assertEquals("agentguard " + name + ": " + missing + ": no such journal directory", result.errorLine());
    }

    @ParameterizedTest
    @ValueSource(strings = {"list", "show", "tail", "verify", "export"})
    void aPlainFileIsExitCode2(String name) throws Exception {
        Path file = Files.writeString(tmp.resolve("notes.txt"), "not a journal");

        ToolRun result = run(command(name, file)).assertOneLineError(2);

        assertEquals("agentguard " + name + ": " + file + ": not a journal directory (it is a file)", result.errorLine());
    }

    @ParameterizedTest
    @ValueSource(strings = {"list", "show", "tail", "verify", "export"})
    void aDirectoryThatIsNotAJournalIsExitCode2(String name) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("photos"));
        Files.writeString(dir.resolve("cat.jpg"), "meow");

        ToolRun result = run(command(name, dir)).assertOneLineError(2);

        assertEquals("agentguard " + name + ": " + dir + ": not an AgentGuard journal (no metadata.cq4t)",
                result.errorLine());
    }

    @ParameterizedTest
    @ValueSource(strings = {"list", "tail", "export"})
    void aTruncatedEntryIsExitCode2NamingFileAndEntry(String name) throws Exception {
        Path journal = tmp.resolve("journal");
        TestJournals.writeSample(journal);
        String position = TestJournals.positionOf(journal, 4);
        Path middle = TestJournals.cycleFiles(journal).get(1);
        truncate(middle, TestJournals.offsetOf(middle, "DELETE FROM cards") + 5);

        ToolRun result = run(command(name, journal)).assertOneLineError(2);

        assertTrue(result.errorLine().startsWith("agentguard " + name + ": " + journal.resolve(position) + ": "),
                result.errorLine());
    }

    @Test
    void verifyCallsATruncatedEntryAnIntegrityFailure() throws Exception {
        Path journal = tmp.resolve("journal");
        TestJournals.writeSample(journal);
        String position = TestJournals.positionOf(journal, 4);
        Path middle = TestJournals.cycleFiles(journal).get(1);
        truncate(middle, TestJournals.offsetOf(middle, "DELETE FROM cards") + 5);

        ToolRun result = ToolRun.run("verify", journal.toString()).assertOneLineError(1);

        assertTrue(result.errorLine().startsWith("agentguard verify: integrity failure at " + position + ": "),
                result.errorLine());
    }

    @ParameterizedTest
    @ValueSource(strings = {"list", "tail", "export"})
    void aFileWithADamagedHeaderIsExitCode2(String name) throws Exception {
        Path journal = tmp.resolve("journal");
        TestJournals.writeSample(journal);
        overwriteStart(TestJournals.cycleFiles(journal).get(1));

        ToolRun result = run(command(name, journal)).assertOneLineError(2);

        // The audit module names the entry where reading stopped; the tool says which journal.
        assertTrue(result.errorLine().matches("agentguard " + name + ": " + Pattern.quote(journal.toString())
                + "/2026112[456]F\\.cq4 (entry [0-9]+|header): .+"), result.errorLine());
    }

    @Test
    void verifyCallsAFileWithADamagedHeaderAnIntegrityFailure() throws Exception {
        Path journal = tmp.resolve("journal");
        TestJournals.writeSample(journal);
        overwriteStart(TestJournals.cycleFiles(journal).get(1));

        ToolRun result = ToolRun.run("verify", journal.toString()).assertOneLineError(1);

        assertTrue(result.errorLine().matches("agentguard verify: integrity failure at 2026112[456]F\\.cq4 (entry [0-9]+|header): .+"),
                result.errorLine());
    }

    @ParameterizedTest
    @ValueSource(strings = {"list", "show", "tail", "export"})
    void aDamagedFirstFileNamesWhereReadingStops(String name) throws Exception {
        Path journal = tmp.resolve("journal");
        TestJournals.writeSample(journal);
        overwriteStart(TestJournals.cycleFiles(journal).get(0));

        ToolRun result = run(command(name, journal)).assertOneLineError(2);

        assertTrue(result.errorLine().startsWith("agentguard " + name + ": " + journal + ": cannot be read at its "
                + "first entry ("), result.errorLine());
        assertTrue(result.errorLine().endsWith("); a journal file is truncated or damaged"), result.errorLine());
    }

    @Test
    void verifyCallsADamagedFirstFileAnIntegrityFailure() throws Exception {
        Path journal = tmp.resolve("journal");
        TestJournals.writeSample(journal);
        overwriteStart(TestJournals.cycleFiles(journal).get(0));

        ToolRun result = ToolRun.run("verify", journal.toString()).assertOneLineError(1);

        assertTrue(result.errorLine().startsWith("agentguard verify: integrity failure at " + journal
                + ": cannot be read at its first entry ("), result.errorLine());
    }

    @ParameterizedTest
    @ValueSource(strings = {"list", "verify"})
    void aFileCutShortUnderItsHeaderNamesTheLastReadableEntry(String name) throws Exception {
        Path journal = tmp.resolve("journal");
        TestJournals.writeSample(journal);
        String lastReadable = TestJournals.positionOf(journal, 2);
        truncate(TestJournals.cycleFiles(journal).get(1), 300);

        ToolRun result = run(command(name, journal)).assertOneLineError(name.equals("verify") ? 1 : 2);

        // Where the JVM reports the fault on the cut-short mapping depends on JIT timing: inside
        // the reader (which names the last readable entry) or above it (the tool then walks the
        // journal again to find that entry). Either way the last readable entry is named.
        String line = result.errorLine();
        assertTrue(line.contains(lastReadable + ": nothing after this entry can be read (")
                || line.contains(journal + ": cannot be read after " + lastReadable + " ("), line);
        assertTrue(line.endsWith("a journal file is truncated or damaged"), line);
    }

    @Test
    void aGarbageCheckpointsLogIsAnIntegrityFailureNamingTheLine() throws Exception {
        Path journal = tmp.resolve("journal");
        TestJournals.writeSample(journal);
        Path checkpoints = journal.resolve("checkpoints.log");
        Files.writeString(checkpoints, "this is not a checkpoint\n");

        ToolRun result = ToolRun.run("verify", journal.toString()).assertOneLineError(1);

        assertEquals("agentguard verify: integrity failure at " + checkpoints + " line 1: not a checkpoint line "
                + "(expected 'AGCP1 journal=… seq=… hash=… time=… key=… sig=…')", result.errorLine());
    }

    @Test
    void aBinaryCheckpointsLogIsAnIntegrityFailure() throws Exception {
        Path journal = tmp.resolve("journal");
        TestJournals.writeSample(journal);
        Files.write(journal.resolve("checkpoints.log"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, '\n'});

        ToolRun result = ToolRun.run("verify", journal.toString()).assertOneLineError(1);

        assertTrue(result.errorLine().startsWith("agentguard verify: integrity failure at "
                + journal.resolve("checkpoints.log")), result.errorLine());
    }

    @Test
    void verboseAddsTheStackTrace() {
        ToolRun result = ToolRun.run("list", tmp.resolve("missing").toString(), "--verbose");

        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("\tat "), result.err());
    }

    private static void truncate(Path file, long length) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(length);
        }
    }

    /** Overwrites the Chronicle header at the start of {@code file} with garbage. */
    private static void overwriteStart(Path file) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        }
    }
}

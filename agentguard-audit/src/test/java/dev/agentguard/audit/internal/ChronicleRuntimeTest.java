package dev.agentguard.audit.internal;

import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.journal.JournalException;
import dev.agentguard.audit.testing.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChronicleRuntimeTest {

    /** Opens a journal in a JVM started without the Chronicle flags and prints what happened. */
    public static final class OpenWithoutFlags {
        public static void main(String[] args) {
            try (Journal j = Journal.builder(Path.of(args[0])).open()) {
                System.out.println("OPENED " + j.journalId());
            } catch (JournalException e) {
                System.out.println("REFUSED " + e.getMessage());
            }
        }
    }

    @Test
    void explainsMissingJvmFlagsInOneLineInsteadOfCrashing(@TempDir Path dir) throws Exception {
        String line;
        String rest;
        int exit;
        try (ChildJvm child = ChildJvm.start(OpenWithoutFlags.class, false, dir.resolve("j").toString())) {
            line = child.awaitLine("REFUSED");
            rest = child.remainingOutput();
            exit = child.awaitExit();
        }
        assertEquals("REFUSED the AgentGuard journal (Chronicle Queue) needs these JVM flags: "
                + "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED "
                + "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED (add them to the java command line or "
                + "JDK_JAVA_OPTIONS; see README.md)", line);
        assertEquals(0, exit);
        assertTrue(!rest.contains("Exception") && !rest.contains("Error"), rest);
    }

    @Test
    void noChronicleAnalyticsCodeIsOnTheClassPath() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("net.openhft.chronicle.analytics.Analytics"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("net.openhft.chronicle.analytics.internal.GoogleAnalytics"));
        String[] entries = System.getProperty("java.class.path").split(File.pathSeparator);
        assertTrue(Arrays.stream(entries).noneMatch(e -> e.contains("chronicle-analytics")), "class path: " + Arrays.toString(entries));
        assertTrue(Arrays.stream(entries).anyMatch(e -> e.contains("chronicle-queue")), "the check looks at the real class path");
    }

    @Test
    void namesCycleFilesLikeChronicle() {
        assertEquals("20261125F.cq4", ChronicleRuntime.fileName(net.openhft.chronicle.queue.RollCycles.FAST_DAILY, 20782));
    }
}

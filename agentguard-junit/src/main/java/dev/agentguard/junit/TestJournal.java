package dev.agentguard.junit;

import dev.agentguard.audit.journal.Journal;
import dev.agentguard.audit.journal.JournalException;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * One test's journal: its directory, the settings it was opened with and who asked for them.
 * Created by {@link AgentGuardJournalExtension}, closed and deleted by it after the test.
 */
final class TestJournal {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Journal journal;
    private final JournalSettings settings;
    private final String configuredBy;

    private TestJournal(Journal journal, JournalSettings settings, String configuredBy) {
        this.journal = journal;
        this.settings = settings;
        this.configuredBy = configuredBy;
    }

    /**
     * Opens a journal in a new directory under {@code root}.
     *
     * @param name         readable part of the directory name (test class and method)
     * @param settings     how to configure it
     * @param configuredBy the field or parameter whose annotation gave the settings, or {@code null}
     *                     when an unannotated one asked first and the defaults apply
     */
    static TestJournal open(Path root, String name, JournalSettings settings, String configuredBy)
            throws JournalException {
        Path dir = newDirectory(root, name);
        try {
            return new TestJournal(settings.applyTo(Journal.builder(dir)).open(), settings, configuredBy);
        } catch (JournalException | RuntimeException e) {
            deleteQuietly(dir);
            throw e;
        }
    }

    Journal journal() {
        return journal;
    }

    JournalSettings settings() {
        return settings;
    }

    /** The annotated field or parameter that configured this journal, or {@code null} for the defaults. */
    String configuredBy() {
        return configuredBy;
    }

    Path directory() {
        return journal.directory();
    }

    /** Deletes the journal directory and everything in it. */
    void delete() throws IOException {
        deleteTree(journal.directory());
    }

    private static Path newDirectory(Path root, String name) throws JournalException {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new JournalException("cannot create the directory for test journals " + root + ": " + e, e);
        }
        boolean posix = Files.getFileAttributeView(root, PosixFileAttributeView.class) != null;
        for (int attempt = 0; ; attempt++) {
            // Letters only in the random part: a long run of digits in the path would look like a
            // card number to the journal's safety net, which would then mask its own resource field.
            Path dir = root.resolve("agentguard-journal-" + name + "-" + randomLetters(8));
            try {
                return posix
                        ? Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
                        : Files.createDirectory(dir);
            } catch (FileAlreadyExistsException e) {
                if (attempt == 10) {
                    throw new JournalException("cannot find a free directory name under " + root, e);
                }
            } catch (IOException e) {
                throw new JournalException("cannot create a test journal directory under " + root + ": " + e, e);
            }
        }
    }

    private static String randomLetters(int n) {
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.append((char) ('a' + RANDOM.nextInt(26)));
        }
        return s.toString();
    }

    private static void deleteQuietly(Path dir) {
        try {
            deleteTree(dir);
        } catch (IOException ignored) {
            // The open failure is what the test needs to see.
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}

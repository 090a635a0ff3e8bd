package dev.agentguard.ssh;

import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * Temporary directories named with letters only: recording paths are journaled, and the
 * journal's card-number safety net rightly masks 13 to 19 Luhn-valid digits wherever they
 * appear, which JUnit's random digits sometimes are. Configured in junit-platform.properties.
 */
public final class LetterTempDirs implements TempDirFactory {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public Path createTempDirectory(AnnotatedElementContext elementContext, ExtensionContext extensionContext)
            throws IOException {
        Path base = Path.of(System.getProperty("java.io.tmpdir"));
        for (int attempt = 0; attempt < 100; attempt++) {
            StringBuilder name = new StringBuilder("agentguard-ssh-");
            for (int i = 0; i < 12; i++) {
                name.append((char) ('a' + RANDOM.nextInt(26)));
            }
            try {
                return Files.createDirectory(base.resolve(name.toString()));
            } catch (FileAlreadyExistsException taken) {
                // try another name
            }
        }
        throw new IOException("no free temporary directory name under " + base);
    }
}

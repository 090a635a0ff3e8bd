package dev.agentguard.junit;

import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * Temporary directories named with letters only, for tests that write journals or print paths.
 * JUnit's default names end in a long random number, and the journal's card-number safety net
 * (and any PAN detector) rightly masks 13 to 19 Luhn-valid digits wherever they appear, so a path
 * a journal records or a program prints would now and then come back masked and fail a test.
 *
 * <p>Use it for every {@code @TempDir} of a test module with one line in
 * {@code src/test/resources/junit-platform.properties}:
 * {@code junit.jupiter.tempdir.factory.default=dev.agentguard.junit.LetterTempDirs}.
 */
public final class LetterTempDirs implements TempDirFactory {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public Path createTempDirectory(AnnotatedElementContext elementContext, ExtensionContext extensionContext)
            throws IOException {
        Path base = Path.of(System.getProperty("java.io.tmpdir"));
        for (int attempt = 0; attempt < 100; attempt++) {
            StringBuilder name = new StringBuilder("agentguard-");
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

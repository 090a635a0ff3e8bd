package dev.agentguard.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A temporary directory for one journal or queue, deleted with everything in it on
 * {@link #close()}. It lives under {@code $AGENTGUARD_BENCH_DIR} when set (to measure another
 * disk), otherwise under {@code java.io.tmpdir}; it should be a real disk, not tmpfs, since
 * that is where a journal lives in production.
 *
 * <p>Names use base-36 suffixes, not {@code Files.createTempDirectory}'s long decimal numbers:
 * the journal records its directory in its {@code journal.open} event, and a 19-digit number
 * that happens to pass the Luhn check is masked by the journal's card-number safety net, with a
 * warning in the benchmark log.
 *
 * <p>Public for the benchmarks in sub-packages ({@code jdbc}).
 */
public final class ScratchDirectory implements AutoCloseable {
    private final Path path;

    private ScratchDirectory(Path path) {
        this.path = path;
    }

    public static ScratchDirectory create(String prefix) {
        String base = System.getenv("AGENTGUARD_BENCH_DIR");
        Path parent = Paths.get(base != null && !base.isBlank() ? base : System.getProperty("java.io.tmpdir"));
        try {
            Files.createDirectories(parent);
            while (true) {
                String suffix = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
                try {
                    return new ScratchDirectory(Files.createDirectory(parent.resolve(prefix + suffix)));
                } catch (FileAlreadyExistsException taken) {
                    // try another name
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a scratch directory under " + parent, e);
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // A leftover temp directory must not fail a benchmark that has already measured.
            System.err.println("could not delete " + path + ": " + e.getMessage());
        }
    }
}

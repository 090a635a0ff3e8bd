package dev.agentguard.ssh.recording;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A finished session recording: where it is, and the SHA-256 of its bytes as written. The
 * session-end event of the journal carries the hash, so the journal's integrity covers the file.
 *
 * @param file   the asciicast v2 file
 * @param sha256 the SHA-256 of the whole file, 64 lower-case hex digits
 * @param bytes  the file's size in bytes
 * @param events the number of event lines after the header
 */
public record Recording(Path file, String sha256, long bytes, long events) {

    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    public Recording {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(sha256, "sha256");
        if (!HEX64.matcher(sha256).matches()) {
            throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits");
        }
        if (bytes < 0 || events < 0) {
            throw new IllegalArgumentException("bytes and events must not be negative");
        }
    }
}

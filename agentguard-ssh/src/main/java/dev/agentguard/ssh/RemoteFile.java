package dev.agentguard.ssh;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a remote directory listing.
 *
 * @param name      the file name, masked like any output (a name can hold a card number)
 * @param size      the size in bytes, {@code -1} when the host did not say
 * @param directory whether it is a directory
 * @param symbolicLink whether it is a symbolic link
 * @param modified  when it was last modified, or {@code null} when the host did not say
 */
public record RemoteFile(String name, long size, boolean directory, boolean symbolicLink, Instant modified) {

    public RemoteFile {
        Objects.requireNonNull(name, "name");
    }
}

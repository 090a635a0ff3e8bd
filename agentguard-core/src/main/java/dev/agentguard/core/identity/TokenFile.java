package dev.agentguard.core.identity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

/**
 * A token file that is rotated on disk (a Kubernetes projected service account token, a
 * sidecar's output). Looked at no more than once per interval; read again only when its time,
 * size or file key (a rename or symlink swap) changed, or when the last token was refused or
 * has expired. Between looks, the last token read (or the last failure) is the answer.
 */
final class TokenFile implements TokenFeed {

    private final Path path;
    private final Duration checkEvery;
    /** When the file may next be looked at; read without a lock on every call. */
    private volatile Instant nextCheck = Instant.MIN;
    /** The token read at the last look, or null when that look failed. */
    private volatile String lastToken;
    /** Why the last look failed; guarded by {@code this}. */
    private String lastFailure;
    /** Guarded by {@code this}. */
    private Stamp seen;

    private record Stamp(FileTime modified, long size, Object fileKey) {
    }

    TokenFile(Path path, Duration checkEvery) {
        this.path = path;
        this.checkEvery = checkEvery;
    }

    @Override
    public String token(Instant now, boolean mustRead) throws IdentityException {
        String token = lastToken;
        if (token != null && now.isBefore(nextCheck)) {
            return token;
        }
        synchronized (this) {
            if (now.isBefore(nextCheck)) {
                // Another thread looked just now; its result stands until the next check.
                if (lastToken != null) {
                    return lastToken;
                }
                throw new IdentityException(lastFailure);
            }
            nextCheck = now.plus(checkEvery);
            try {
                lastToken = look(mustRead);
                lastFailure = null;
                return lastToken;
            } catch (IdentityException e) {
                lastToken = null;
                lastFailure = e.getMessage();
                throw e;
            }
        }
    }

    /** Called with the lock held. */
    private String look(boolean mustRead) throws IdentityException {
        Stamp stamp;
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            stamp = new Stamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
        } catch (IOException e) {
            throw unreadable(e);
        }
        if (stamp.equals(seen) && !mustRead && lastToken != null) {
            return lastToken;
        }
        if (stamp.size() > AgentTokenVerifier.MAX_TOKEN_LENGTH + 2) {
            throw new IdentityException("the agent token file " + path + " holds " + stamp.size()
                    + " bytes; a token is at most " + AgentTokenVerifier.MAX_TOKEN_LENGTH + " characters");
        }
        String token;
        try (InputStream in = Files.newInputStream(path)) {
            // Bounded: the file may grow between the size check and the read.
            token = new String(in.readNBytes(AgentTokenVerifier.MAX_TOKEN_LENGTH + 2), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw unreadable(e);
        }
        if (token.isEmpty()) {
            throw new IdentityException("the agent token file " + path + " is empty");
        }
        seen = stamp;
        return token;
    }

    private IdentityException unreadable(IOException e) {
        // The class only, so the message keeps one fixed form whatever the file system says.
        return new IdentityException("the agent token file " + path + " cannot be read ("
                + e.getClass().getSimpleName() + ")");
    }

    @Override
    public String renewHint() {
        return "write a fresh token to " + path;
    }

    @Override
    public String toString() {
        return "token file " + path + " (checked every " + checkEvery.toMillis() + " ms)";
    }
}

package dev.agentguard.core.identity;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * An {@link IdentitySource} backed by the agent's token: a fixed token, a token file rotated on
 * disk, or a callback that returns the current token.
 *
 * <p>Each token is verified once; the identity is then answered from memory (a volatile read
 * and an expiry check, no lock, no network, no signature) until the token changes. Once the
 * identity expires, every call throws {@link IdentityException} until a fresh token is
 * available, and the fresh token then resumes work: connections and sessions need not be
 * reopened. A token that fails verification is refused on every call without being verified
 * again, unless the failure was that the issuer's keys could not be fetched, which is tried
 * again on the next call.
 *
 * <p>While the current identity is still valid, a token file or callback that fails (the file
 * is missing mid-rotation, the callback throws) does not interrupt the agent: the last verified
 * token keeps answering until it expires. Thread-safe.
 */
public final class TokenIdentitySource implements IdentitySource {

    /** Default interval between two looks at a token file. */
    public static final Duration DEFAULT_FILE_CHECK_INTERVAL = Duration.ofSeconds(1);

    private final AgentTokenVerifier verifier;
    private final TokenFeed feed;
    private final Object verifying = new Object();
    /** The last token seen and what verifying it gave; null before the first call. */
    private volatile Verified current;

    private TokenIdentitySource(AgentTokenVerifier verifier, TokenFeed feed) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.feed = feed;
    }

    /**
     * A source that always presents {@code token}. It cannot be renewed: once the token expires
     * the source refuses for good. For short jobs and tests; prefer {@link #file} or
     * {@link #supplier} for agents that run longer than a token lives.
     */
    public static TokenIdentitySource fixed(AgentTokenVerifier verifier, String token) {
        Objects.requireNonNull(token, "token");
        return new TokenIdentitySource(verifier, new FixedToken(token));
    }

    /** A source that reads the token from {@code file}, looking for a rotated file at most once a second. */
    public static TokenIdentitySource file(AgentTokenVerifier verifier, Path file) {
        return file(verifier, file, DEFAULT_FILE_CHECK_INTERVAL);
    }

    /**
     * A source that reads the token from {@code file} (surrounding whitespace ignored), looking
     * at it at most once per {@code checkEvery}, and reading it again when its modification
     * time, size or identity (a rename or symlink swap, as Kubernetes does) changed.
     *
     * @param checkEvery 1 ms to 1 hour
     */
    public static TokenIdentitySource file(AgentTokenVerifier verifier, Path file, Duration checkEvery) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(checkEvery, "checkEvery");
        if (checkEvery.compareTo(Duration.ofMillis(1)) < 0 || checkEvery.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("checkEvery must be between 1 ms and 3600000 ms, got "
                    + checkEvery.toMillis() + " ms: the file is looked at no more often than that, so that the hot "
                    + "path does no file system call");
        }
        return new TokenIdentitySource(verifier, new TokenFile(file, checkEvery));
    }

    /**
     * A source that asks {@code tokens} for the current token on every call; the callback must
     * be cheap (return a held value, refreshed elsewhere). A new value is verified once.
     */
    public static TokenIdentitySource supplier(AgentTokenVerifier verifier, Supplier<String> tokens) {
        Objects.requireNonNull(tokens, "tokens");
        return new TokenIdentitySource(verifier, new SuppliedToken(tokens));
    }

    @Override
    public AgentIdentity currentIdentity() throws IdentityException {
        Instant now = verifier.clock().instant();
        Verified last = current;
        boolean usable = last != null && last.isUsableAt(now);
        String token;
        try {
            token = feed.token(now, !usable);
        } catch (IdentityException e) {
            if (usable) {
                return last.identity(); // a rotation in progress does not stop an agent whose token is still valid
            }
            throw e;
        }
        if (last != null && !last.retry() && last.isFor(token)) {
            return last.answer(now, feed);
        }
        return verify(token, now);
    }

    private AgentIdentity verify(String token, Instant now) throws IdentityException {
        synchronized (verifying) {
            // Another thread may have verified this very token while this one waited.
            Verified last = current;
            if (last == null || last.retry() || !last.isFor(token)) {
                last = Verified.of(verifier, token);
                current = last;
            }
            return last.answer(now, feed);
        }
    }

    /** Names the token's origin, never the token. */
    @Override
    public String toString() {
        return "TokenIdentitySource[" + feed + ", " + verifier + "]";
    }

    /**
     * A token and what verifying it gave: an identity, or the message of the refusal. Holds
     * the token to notice when it changes; {@link #toString()} leaves it out.
     */
    private record Verified(String token, AgentIdentity identity, String refusal, boolean retry) {

        static Verified of(AgentTokenVerifier verifier, String token) {
            try {
                return new Verified(token, verifier.verify(token), null, false);
            } catch (KeySetUnavailableException e) {
                return new Verified(token, null, e.getMessage(), true);
            } catch (IdentityException e) {
                return new Verified(token, null, e.getMessage(), false);
            } catch (RuntimeException e) {
                // A bug or a misbehaving key source must not let a token through, nor escape as an unchecked error.
                return new Verified(token, null, "agent token not verified: the verifier failed with "
                        + e.getClass().getName(), true);
            }
        }

        boolean isFor(String presented) {
            return token == presented || token.equals(presented);
        }

        boolean isUsableAt(Instant now) {
            return identity != null && !identity.isExpiredAt(now);
        }

        AgentIdentity answer(Instant now, TokenFeed feed) throws IdentityException {
            if (identity == null) {
                throw new IdentityException(refusal);
            }
            if (identity.isExpiredAt(now)) {
                throw new IdentityException("the agent token of \"" + identity.agentId() + "\" has expired (accepted "
                        + "until " + identity.expiresAt() + ", clock skew included); " + feed.renewHint());
            }
            return identity;
        }

        @Override
        public String toString() {
            return "Verified[" + (identity != null ? identity.agentId() : refusal) + "]";
        }
    }

    /** One token for the source's whole life. */
    private record FixedToken(String token) implements TokenFeed {

        @Override
        public String token(Instant now, boolean mustRead) {
            return token;
        }

        @Override
        public String renewHint() {
            return "a fixed token cannot be renewed: build the source with TokenIdentitySource.file or supplier";
        }

        @Override
        public String toString() {
            return "fixed token";
        }
    }

    /** The token a callback holds. */
    private record SuppliedToken(Supplier<String> tokens) implements TokenFeed {

        @Override
        public String token(Instant now, boolean mustRead) throws IdentityException {
            String token;
            try {
                token = tokens.get();
            } catch (RuntimeException e) {
                // The class only: the callback's message may hold the token or a credential it used.
                throw new IdentityException("the agent token supplier failed with " + e.getClass().getName());
            }
            if (token == null || token.isBlank()) {
                throw new IdentityException("the agent token supplier returned no token");
            }
            return token;
        }

        @Override
        public String renewHint() {
            return "the token supplier must return a fresh token";
        }

        @Override
        public String toString() {
            return "token supplier";
        }
    }
}

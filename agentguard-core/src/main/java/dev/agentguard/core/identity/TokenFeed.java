package dev.agentguard.core.identity;

import java.time.Instant;

/** Where a {@link TokenIdentitySource} gets the token the agent presents now. */
interface TokenFeed {

    /**
     * The token presented now. Must be cheap when nothing changed: the source compares it with
     * the token it verified last, by reference first.
     *
     * @param now      the verifier's clock
     * @param mustRead read the token even if nothing seems to have changed: the last one was
     *                 refused or has expired, and a rewrite may have kept the file's size and time
     * @throws IdentityException when there is no token to present
     */
    String token(Instant now, boolean mustRead) throws IdentityException;

    /** What to do once the token has expired, as the end of a sentence. */
    String renewHint();

    /** Names the feed for logs, never with the token. */
    @Override
    String toString();
}

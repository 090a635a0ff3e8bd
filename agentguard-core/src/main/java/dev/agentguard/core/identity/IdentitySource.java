package dev.agentguard.core.identity;

import java.util.Objects;

/**
 * Where a channel gets the verified identity of the agent making a call. Called on every
 * statement, request or command, so implementations verify a credential once and answer
 * from memory afterwards (no network call and no signature check per call).
 *
 * <p>Implementations: {@link #fixed(AgentIdentity)}; {@link TokenIdentitySource} for OIDC/OAuth
 * tokens; {@link AgentContext#currentOr(IdentitySource)} and {@link AgentContext#required()} for
 * identities bound per call.
 */
@FunctionalInterface
public interface IdentitySource {

    /**
     * The identity of the agent making the current call.
     *
     * @throws IdentityException when no verified identity is available; the caller refuses
     *                           the action
     */
    AgentIdentity currentIdentity() throws IdentityException;

    /** A source that always answers with {@code identity} (tests, batch jobs, samples). */
    static IdentitySource fixed(AgentIdentity identity) {
        Objects.requireNonNull(identity, "identity");
        return () -> identity;
    }
}

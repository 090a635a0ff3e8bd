package dev.agentguard.core.approval;

import java.util.Objects;

/**
 * A signed approval decision whose signature a {@link DecisionVerifier} checked.
 *
 * @param claims    what the decision says
 * @param keyId     the id of the key that signed it (the JWS {@code kid}, or the verifier's id of the key)
 * @param algorithm the JWS algorithm, e.g. {@code EdDSA} or {@code ES256}
 * @param compact   the compact JWS itself; not secret (it holds no key), journaled as evidence
 */
public record SignedDecision(DecisionClaims claims, String keyId, String algorithm, String compact) {

    public SignedDecision {
        Objects.requireNonNull(claims, "claims");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(compact, "compact");
    }
}

package dev.agentguard.core.identity;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A key source that counts lookups: every verification that gets past the header checks asks
 * for keys exactly once, so the count is the number of signature verifications. It can be
 * told to fail the next lookups, like an unreachable JWKS endpoint.
 */
final class CountingKeySource implements JWKSource<SecurityContext> {

    private final JWKSource<SecurityContext> keys;
    private final AtomicInteger lookups = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();

    CountingKeySource(JWK... keys) {
        this.keys = new ImmutableJWKSet<>(TestIssuer.publicKeys(keys));
    }

    @Override
    public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
        lookups.incrementAndGet();
        if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new KeySourceException("JWKS endpoint unreachable");
        }
        return keys.get(selector, context);
    }

    /** Fails the next {@code count} lookups. */
    void failNext(int count) {
        failures.set(count);
    }

    int verifications() {
        return lookups.get();
    }

    AgentTokenVerifier.Builder verifier(MutableClock clock) {
        return AgentTokenVerifier.builder().issuer(TestIssuer.ISSUER).audience(TestIssuer.AUDIENCE)
                .acceptedAlgorithms("RS256").keySource(this).clock(clock);
    }
}

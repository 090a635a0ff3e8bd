package dev.agentguard.core.identity;

import com.nimbusds.jwt.JWTClaimsSet;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The registered-claim checks of a verified token, done here rather than by nimbus'
 * {@code DefaultJWTClaimsVerifier}: that one accepts a token without {@code exp} unless told
 * otherwise, reads the system clock, and words its errors with the token's own values. Here
 * {@code exp} is always required and time is the injected clock. Immutable and thread-safe.
 */
final class ClaimChecks {

    /** How many audiences an error message lists before it stops. */
    private static final int LISTED_AUDIENCES = 5;

    private final String issuer;
    private final Set<String> audiences;
    private final Duration clockSkew;
    private final Clock clock;

    ClaimChecks(String issuer, Set<String> audiences, Duration clockSkew, Clock clock) {
        this.issuer = issuer;
        this.audiences = Set.copyOf(audiences);
        this.clockSkew = clockSkew;
        this.clock = clock;
    }

    /**
     * Checks issuer, audience and validity period at the clock's current time.
     *
     * @return when the token stops being accepted: its {@code exp} plus the clock skew
     */
    Instant check(JWTClaimsSet claims) throws IdentityException {
        String tokenIssuer = claims.getIssuer();
        if (tokenIssuer == null) {
            throw AgentTokenVerifier.rejected("it names no issuer (iss); the accepted issuer is " + issuer);
        }
        if (!tokenIssuer.equals(issuer)) {
            throw AgentTokenVerifier.rejected("its issuer (iss) " + UntrustedText.quote(tokenIssuer)
                    + " is not the accepted issuer " + issuer);
        }
        List<String> tokenAudiences = claims.getAudience();
        if (tokenAudiences.isEmpty()) {
            throw AgentTokenVerifier.rejected("it names no audience (aud); accepted: " + sorted(audiences));
        }
        if (tokenAudiences.stream().noneMatch(audiences::contains)) {
            throw AgentTokenVerifier.rejected("its audience (aud) " + quoted(tokenAudiences)
                    + " includes none of the accepted audiences " + sorted(audiences));
        }
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw AgentTokenVerifier.rejected("it has no expiry (exp); tokens without one are never accepted");
        }
        Instant expiresAt = exp.toInstant().plus(clockSkew);
        if (!now.isBefore(expiresAt)) {
            throw AgentTokenVerifier.rejected("it expired at " + exp.toInstant() + " (now " + now + skew());
        }
        Instant earliest = now.plus(clockSkew);
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && earliest.isBefore(nbf.toInstant())) {
            throw AgentTokenVerifier.rejected("it is not valid before " + nbf.toInstant() + " (now " + now + skew());
        }
        Date iat = claims.getIssueTime();
        if (iat != null && earliest.isBefore(iat.toInstant())) {
            throw AgentTokenVerifier.rejected("it was issued in the future, at " + iat.toInstant() + " (now " + now
                    + skew());
        }
        return expiresAt;
    }

    private String skew() {
        return ", clock skew allowed " + clockSkew.toSeconds() + " s)";
    }

    private static String sorted(Set<String> values) {
        return values.stream().sorted().collect(Collectors.joining(", ", "[", "]"));
    }

    private static String quoted(List<String> values) {
        String listed = values.stream().limit(LISTED_AUDIENCES).map(UntrustedText::quote)
                .collect(Collectors.joining(", "));
        return "[" + listed + (values.size() > LISTED_AUDIENCES ? ", …" : "") + "]";
    }
}

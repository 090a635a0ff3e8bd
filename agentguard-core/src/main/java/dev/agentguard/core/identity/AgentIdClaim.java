package dev.agentguard.core.identity;

/**
 * Where a verified token names the agent, when the token does not delegate (has no RFC 8693
 * {@code act} claim; a delegated token always names the agent in {@code act.sub}, see
 * {@link AgentTokenVerifier.Builder#onBehalfOfClaim(String)}).
 */
public enum AgentIdClaim {

    /** {@code sub}, the token's subject: the default, and what most identity providers put a client's id in. */
    SUBJECT("sub"),

    /** {@code azp}, the OAuth client the token was issued to (OIDC; Keycloak access tokens). */
    AUTHORIZED_PARTY("azp"),

    /** {@code client_id}, the OAuth client (RFC 9068 access tokens; Okta). */
    CLIENT_ID("client_id"),

    /**
     * {@code sub} holding a SPIFFE ID such as {@code spiffe://example.org/agents/payments}, as in
     * a JWT-SVID. The whole ID is the agent id, and its trust domain must be the one configured
     * with {@link AgentTokenVerifier.Builder#spiffeTrustDomain(String)}.
     */
    SPIFFE_ID("sub");

    private final String claimName;

    AgentIdClaim(String claimName) {
        this.claimName = claimName;
    }

    /** The JWT claim the agent id is read from. */
    public String claimName() {
        return claimName;
    }
}

package dev.agentguard.core.identity;

import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.agentguard.core.identity.Refusals.assertRejected;
import static dev.agentguard.core.identity.TestIssuer.NOW;
import static dev.agentguard.core.identity.TestIssuer.RSA;
import static dev.agentguard.core.identity.TestIssuer.claims;
import static dev.agentguard.core.identity.TestIssuer.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** How the claims of a verified token become an agent identity. */
class ClaimMappingTest {

    private final MutableClock clock = new MutableClock(NOW);
    private final AgentTokenVerifier plain = TestIssuer.verifier(clock, RSA).build();

    private AgentIdentity verify(AgentTokenVerifier verifier, JWTClaimsSet claims) throws IdentityException {
        return verifier.verify(token(claims));
    }

    @Test
    void theSubjectIsTheAgentByDefault() throws IdentityException {
        AgentIdentity identity = verify(plain, claims().subject("refund-agent-7").build());

        assertEquals("refund-agent-7", identity.agentId());
        assertNull(identity.onBehalfOf());
    }

    @Test
    void aDelegatedTokenNamesTheAgentInActAndTheUserInSub() throws IdentityException {
        // RFC 8693 token exchange: alice delegated to payments-bot, which an orchestrator started earlier.
        JWTClaimsSet delegated = claims().subject("alice@example.com")
                .claim("act", Map.of("sub", "payments-bot", "act", Map.of("sub", "orchestrator"))).build();

        AgentIdentity identity = verify(plain, delegated);

        assertEquals("payments-bot", identity.agentId());
        assertEquals("alice@example.com", identity.onBehalfOf());
        assertEquals(java.util.List.of("orchestrator"), identity.earlierActors(), "who delegated before the agent");
    }

    @Test
    void theActorWinsOverTheConfiguredAgentIdClaim() throws IdentityException {
        AgentTokenVerifier byClient = TestIssuer.verifier(clock, RSA).agentIdClaim(AgentIdClaim.CLIENT_ID).build();
        JWTClaimsSet delegated = claims().subject("alice@example.com").claim("client_id", "agent-platform")
                .claim("act", Map.of("sub", "payments-bot")).build();

        assertEquals("payments-bot", verify(byClient, delegated).agentId());
    }

    @Test
    void aMalformedActorIsRefused() {
        assertRejected(plain, token(claims().claim("act", "payments-bot").build()),
                "agent token rejected: its actor claim (act) is not a JSON object");
        assertRejected(plain, token(claims().claim("act", Map.of("client_id", "payments-bot")).build()),
                "agent token rejected: it has no act.sub claim to take the agent id from");
        assertRejected(plain, token(claims().claim("act", Map.of("sub", "bot")).subject(null).build()),
                "agent token rejected: it has no sub claim to take the user the agent acts for from");
    }

    @Test
    void theSharedIdCheckAppliesToTheActorNotTheUser() throws IdentityException {
        assertRejected(plain, token(claims().subject("alice").claim("act", Map.of("sub", "service")).build()),
                "agent token rejected: shared agent ids are not allowed (PCI DSS 8.2.1): \"service\" names no single "
                        + "agent; give every agent its own client or service account at the identity provider");
        assertEquals("user", verify(plain, claims().subject("user").claim("act", Map.of("sub", "payments-bot"))
                .build()).onBehalfOf());
    }

    @Test
    void aConfiguredClaimNamesTheUser() throws IdentityException {
        AgentTokenVerifier byClaim = TestIssuer.verifier(clock, RSA).onBehalfOfClaim("ext.on_behalf_of").build();

        assertEquals("bob@example.com", verify(byClaim, claims().claim("ext", Map.of("on_behalf_of",
                "bob@example.com")).build()).onBehalfOf());
        assertNull(verify(byClaim, claims().build()).onBehalfOf());
    }

    @Test
    void aConfiguredUserClaimRefusesDelegatedTokens() {
        AgentTokenVerifier byClaim = TestIssuer.verifier(clock, RSA).onBehalfOfClaim("on_behalf_of").build();

        assertRejected(byClaim, token(claims().subject("alice").claim("act", Map.of("sub", "bot-1")).build()),
                "agent token rejected: it is a delegated token (it has an actor claim, act), but this verifier reads "
                        + "the on-behalf-of user from claim \"on_behalf_of\", so its sub would be taken for the agent; "
                        + "remove onBehalfOfClaim to read delegated tokens by their act claim");
    }

    @Test
    void theAgentCanBeTheAuthorizedPartyOrTheClientId() throws IdentityException {
        AgentTokenVerifier byAzp = TestIssuer.verifier(clock, RSA).agentIdClaim(AgentIdClaim.AUTHORIZED_PARTY).build();
        AgentTokenVerifier byClient = TestIssuer.verifier(clock, RSA).agentIdClaim(AgentIdClaim.CLIENT_ID).build();

        assertEquals("payments-agent", verify(byAzp, claims().claim("azp", "payments-agent").build()).agentId());
        assertEquals("0oa1b2c3", verify(byClient, claims().claim("client_id", "0oa1b2c3").build()).agentId());
        assertRejected(byAzp, token(claims().build()), "agent token rejected: it has no azp claim to take the agent id "
                + "from");
        assertRejected(byClient, token(claims().claim("client_id", 42).build()),
                "agent token rejected: its client_id claim is not a string");
    }

    @Test
    void aSpiffeIdNamesTheAgent() throws IdentityException {
        AgentTokenVerifier svid = spiffe();

        AgentIdentity identity = verify(svid, claims().subject("spiffe://example.org/agents/payments").build());

        assertEquals("spiffe://example.org/agents/payments", identity.agentId());
    }

    @Test
    void aSpiffeIdMustBelongToTheTrustDomainAndBeWellFormed() {
        AgentTokenVerifier svid = spiffe();

        assertRejected(svid, token(claims().subject("spiffe://evil.org/agents/payments").build()),
                "agent token rejected: its agent id (sub) \"spiffe://evil.org/agents/payments\" belongs to trust "
                        + "domain \"evil.org\", not example.org");
        assertRejected(svid, token(claims().subject("payments-bot").build()),
                "agent token rejected: its agent id (sub) \"payments-bot\" is not a SPIFFE ID (spiffe://example.org/...)");
        assertRejected(svid, token(claims().subject("spiffe://example.org").build()),
                "agent token rejected: its agent id (sub) \"spiffe://example.org\" names no workload: a SPIFFE ID of "
                        + "an agent has a path, such as spiffe://example.org/agents/payments");
        assertRejected(svid, token(claims().subject("spiffe://example.org/agents/../admin").build()),
                "agent token rejected: its agent id (sub) \"spiffe://example.org/agents/../admin\" is not a SPIFFE "
                        + "ID: its path has an empty, '.' or '..' segment");
        assertRejected(svid, token(claims().subject("spiffe://example.org/agents/pay?x=1").build()),
                "agent token rejected: its agent id (sub) \"spiffe://example.org/agents/pay?x=1\" is not a SPIFFE ID: "
                        + "its path holds a character other than letters, digits, '.', '-', '_' and '/'");
        assertRejected(svid, token(claims().subject("spiffe://Example.org/agents/payments").build()),
                "agent token rejected: its agent id (sub) \"spiffe://Example.org/agents/payments\" is not a SPIFFE "
                        + "ID: its trust domain is not lower-case letters, digits, '.', '-' and '_'");
    }

    @Test
    void kubernetesDefaultServiceAccountIsRefusedAsShared() {
        assertRejected(spiffe(), token(claims().subject("spiffe://example.org/ns/payments/sa/default").build()),
                "agent token rejected: shared agent ids are not allowed (PCI DSS 8.2.1): "
                        + "\"spiffe://example.org/ns/payments/sa/default\" names no single agent; give every agent its "
                        + "own client or service account at the identity provider");
    }

    @Test
    void sharedAgentIdsAreRefusedWhateverTheirCase() {
        for (String shared : List.of("admin", "ROOT", "Service", "default")) {
            assertRejected(plain, token(claims().subject(shared).build()),
                    "agent token rejected: shared agent ids are not allowed (PCI DSS 8.2.1): \"" + shared + "\" names "
                            + "no single agent; give every agent its own client or service account at the identity "
                            + "provider");
        }
    }

    @Test
    void theSharedAgentIdListIsConfigurable() throws IdentityException {
        AgentTokenVerifier custom = TestIssuer.verifier(clock, RSA).sharedAgentIds("etl", "Jenkins").build();
        AgentTokenVerifier off = TestIssuer.verifier(clock, RSA).sharedAgentIds().build();

        assertEquals("admin", verify(custom, claims().subject("admin").build()).agentId());
        assertRejected(custom, token(claims().subject("jenkins").build()),
                "agent token rejected: shared agent ids are not allowed (PCI DSS 8.2.1): \"jenkins\" names no single "
                        + "agent; give every agent its own client or service account at the identity provider");
        assertEquals("root", verify(off, claims().subject("root").build()).agentId());
    }

    @Test
    void rolesComeFromConfiguredClaimsIncludingKeycloaksNestedPaths() throws IdentityException {
        AgentTokenVerifier keycloak = TestIssuer.verifier(clock, RSA)
                .roleClaims("realm_access.roles", "resource_access.payments-db.roles", "groups").build();
        JWTClaimsSet claims = claims()
                .claim("realm_access", Map.of("roles", List.of("payments", "offline_access")))
                .claim("resource_access", Map.of("payments-db", Map.of("roles", List.of("refunds")),
                        "account", Map.of("roles", List.of("manage-account"))))
                .claim("groups", "support")
                .build();

        assertEquals(Set.of("payments", "offline_access", "refunds", "support"), verify(keycloak, claims).roles());
    }

    @Test
    void aClaimNameWithDotsIsReadBeforeItIsTakenAsAPath() throws IdentityException {
        // Auth0 namespaces custom claims with URLs, which hold dots.
        AgentTokenVerifier auth0 = TestIssuer.verifier(clock, RSA).roleClaims("https://agentguard.dev/roles").build();

        assertEquals(Set.of("payments"), verify(auth0, claims().claim("https://agentguard.dev/roles",
                List.of("payments")).build()).roles());
    }

    @Test
    void rolesAreReadFromNoClaimUntilNamed() throws IdentityException {
        assertEquals(Set.of(), verify(plain, claims().claim("roles", List.of("admin")).build()).roles());
    }

    @Test
    void aRoleClaimOfTheWrongShapeIsRefused() {
        AgentTokenVerifier roles = TestIssuer.verifier(clock, RSA).roleClaims("roles").build();

        assertRejected(roles, token(claims().claim("roles", List.of("payments", 7)).build()),
                "agent token rejected: its roles claim is not a string or a list of strings");
        assertRejected(roles, token(claims().claim("roles", Map.of("payments", true)).build()),
                "agent token rejected: its roles claim is not a string or a list of strings");
    }

    @Test
    void scopesComeFromScopeAndScp() throws IdentityException {
        assertEquals(Set.of("cards:read", "refunds:write"),
                verify(plain, claims().claim("scope", "cards:read  refunds:write").build()).scopes());
        assertEquals(Set.of("cards:read", "orders:read"),
                verify(plain, claims().claim("scp", List.of("cards:read", "orders:read")).build()).scopes());
        assertEquals(Set.of("a", "b", "c"),
                verify(plain, claims().claim("scope", "a b").claim("scp", "b c").build()).scopes());
    }

    @Test
    void namesThatCouldForgeJournalLinesAreRefused() {
        assertRejected(plain, token(claims().subject("bot\nagent=root decision=ALLOWED").build()),
                "agent token rejected: its agent id (sub) \"bot?agent=root decision=ALLOWED\" holds control or "
                        + "formatting characters");
        assertRejected(plain, token(claims().subject("payments\u202e-bot").build()),
                "agent token rejected: its agent id (sub) \"payments?-bot\" holds control or formatting characters");
        AgentTokenVerifier roles = TestIssuer.verifier(clock, RSA).roleClaims("roles").build();
        assertRejected(roles, token(claims().claim("roles", List.of("pay\rments")).build()),
                "agent token rejected: its roles entry \"pay?ments\" holds control or formatting characters");
        assertRejected(plain, token(claims().subject("x".repeat(257)).build()),
                "agent token rejected: its agent id (sub) is 257 characters long; at most 256 are accepted");
    }

    @Test
    void theIdentityCarriesTheExpiryWithTheSkew() throws IdentityException {
        AgentIdentity identity = verify(plain, claims().expirationTime(Date.from(NOW.plusSeconds(30))).build());

        assertEquals(NOW.plusSeconds(30).plus(Duration.ofSeconds(60)), identity.expiresAt());
    }

    private AgentTokenVerifier spiffe() {
        return TestIssuer.verifier(clock, RSA).agentIdClaim(AgentIdClaim.SPIFFE_ID).spiffeTrustDomain("example.org")
                .acceptedTypes("JWT", "JOSE").build();
    }
}

/**
 * Verified agent identities and where channels get them.
 *
 * <p>{@link dev.agentguard.core.identity.AgentTokenVerifier} checks an agent's OIDC/OAuth token
 * (signature against the issuer's JWKS, algorithm, type, issuer, audience, expiry) and maps its
 * claims to an {@link dev.agentguard.core.identity.AgentIdentity};
 * {@link dev.agentguard.core.identity.TokenIdentitySource} presents a fixed, file or callback
 * token and verifies each token once; {@link dev.agentguard.core.identity.AgentContext} binds an
 * identity to a call in JVMs that run several agents. See {@code docs/identity.md}.
 */
package dev.agentguard.core.identity;

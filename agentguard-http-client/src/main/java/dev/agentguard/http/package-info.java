/**
 * AgentGuard HTTP: a guarded {@code java.net.http.HttpClient}.
 *
 * <p>{@link dev.agentguard.http.GuardedHttpClient} wraps a JDK client: every request and every
 * redirect hop is bound to the calling agent's verified identity, decided by the policy
 * ({@code http:} rules), journaled before and after, sent with the credential configured for its
 * target ({@link dev.agentguard.http.HttpTarget}, {@link dev.agentguard.http.HttpCredential}) and
 * answered with its body masked. Refusals are {@code IOException}s:
 * {@link dev.agentguard.http.HttpPolicyViolationException},
 * {@link dev.agentguard.http.HttpIdentityRefusedException},
 * {@link dev.agentguard.http.HttpJournalUnavailableException}. See docs/http.md.
 */
package dev.agentguard.http;

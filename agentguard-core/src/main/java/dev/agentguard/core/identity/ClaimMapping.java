package dev.agentguard.core.identity;

import com.nimbusds.jwt.JWTClaimsSet;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns the claims of a verified token into an {@link AgentIdentity}: who the agent is, whom it
 * acts for, its roles and scopes. Refuses tokens whose agent is a shared account (PCI DSS 8.2.1)
 * and values that could forge journal lines. Immutable and thread-safe.
 */
final class ClaimMapping {

    /** RFC 8693's actor claim: a delegated token names the acting party here. */
    static final String ACTOR = "act";
    /** Longest agent id, on-behalf-of user, role or scope accepted (SPIFFE IDs have their own limit). */
    static final int MAX_NAME_LENGTH = 256;

    private final AgentIdClaim agentIdClaim;
    private final String trustDomain;
    private final String onBehalfOfClaim;
    private final List<String> roleClaims;
    private final Set<String> sharedAgentIds;

    /**
     * @param trustDomain     the SPIFFE trust domain, for {@link AgentIdClaim#SPIFFE_ID} only
     * @param onBehalfOfClaim the claim naming the human, or {@code null} to read RFC 8693 {@code act}
     * @param sharedAgentIds  lower-case ids that name no single agent
     */
    ClaimMapping(AgentIdClaim agentIdClaim, String trustDomain, String onBehalfOfClaim, List<String> roleClaims,
                 Set<String> sharedAgentIds) {
        this.agentIdClaim = agentIdClaim;
        this.trustDomain = trustDomain;
        this.onBehalfOfClaim = onBehalfOfClaim;
        this.roleClaims = List.copyOf(roleClaims);
        this.sharedAgentIds = Set.copyOf(sharedAgentIds);
    }

    /** The identity the verified {@code claims} describe, valid until {@code expiresAt}. */
    AgentIdentity identity(JWTClaimsSet claims, Instant expiresAt) throws IdentityException {
        Object actor = claims.getClaim(ACTOR);
        String agentId;
        String agentIdSource;
        String onBehalfOf;
        java.util.List<String> earlierActors = new java.util.ArrayList<>();
        if (actor != null) {
            // RFC 8693: the token's subject is the party the work is for; act.sub is who does it (the agent).
            if (onBehalfOfClaim != null) {
                throw AgentTokenVerifier.rejected("it is a delegated token (it has an actor claim, act), but this "
                        + "verifier reads the on-behalf-of user from claim " + UntrustedText.quote(onBehalfOfClaim)
                        + ", so its sub would be taken for the agent; remove onBehalfOfClaim to read delegated tokens "
                        + "by their act claim");
            }
            if (!(actor instanceof Map<?, ?> act)) {
                throw AgentTokenVerifier.rejected("its actor claim (act) is not a JSON object");
            }
            agentIdSource = "act.sub";
            agentId = requiredText(act.get("sub"), agentIdSource, "the agent id");
            // Nested act claims name who delegated before this agent; they may not approve its actions.
            Object nested = act.get(ACTOR);
            for (int depth = 0; nested instanceof Map<?, ?> earlier && depth < 16; depth++) {
                if (earlier.get("sub") instanceof String sub && !sub.isBlank()) {
                    earlierActors.add(sub);
                }
                nested = earlier.get(ACTOR);
            }
            onBehalfOf = requiredText(claims.getClaim("sub"), "sub", "the user the agent acts for");
            checkName(onBehalfOf, "on-behalf-of user (sub)", MAX_NAME_LENGTH);
        } else {
            agentIdSource = agentIdClaim.claimName();
            agentId = requiredText(claims.getClaim(agentIdSource), agentIdSource, "the agent id");
            onBehalfOf = null;
            if (onBehalfOfClaim != null) {
                Object human = pathValue(claims, onBehalfOfClaim);
                if (human != null) {
                    onBehalfOf = requiredText(human, onBehalfOfClaim, "the user the agent acts for");
                    checkName(onBehalfOf, "on-behalf-of user (" + onBehalfOfClaim + ")", MAX_NAME_LENGTH);
                }
            }
        }
        checkAgentId(agentId, agentIdSource);
        Set<String> roles = new LinkedHashSet<>();
        for (String claim : roleClaims) {
            addNames(roles, pathValue(claims, claim), claim, false);
        }
        Set<String> scopes = new LinkedHashSet<>();
        addNames(scopes, claims.getClaim("scope"), "scope", true);
        addNames(scopes, claims.getClaim("scp"), "scp", true);
        return new AgentIdentity(agentId, onBehalfOf, roles, scopes, expiresAt, earlierActors);
    }

    private void checkAgentId(String agentId, String source) throws IdentityException {
        String who = "agent id (" + source + ")";
        String sharedCandidate = agentId;
        if (agentIdClaim == AgentIdClaim.SPIFFE_ID) {
            checkName(agentId, who, SpiffeId.MAX_LENGTH);
            String problem = SpiffeId.problem(agentId, trustDomain);
            if (problem != null) {
                throw AgentTokenVerifier.rejected("its " + who + " " + UntrustedText.quote(agentId) + " " + problem);
            }
            // spiffe://td/ns/default/sa/default is Kubernetes' default service account: shared by every pod.
            sharedCandidate = SpiffeId.lastSegment(agentId);
        } else {
            checkName(agentId, who, MAX_NAME_LENGTH);
        }
        if (sharedAgentIds.contains(agentId.toLowerCase(Locale.ROOT))
                || sharedAgentIds.contains(sharedCandidate.toLowerCase(Locale.ROOT))) {
            throw AgentTokenVerifier.rejected("shared agent ids are not allowed (PCI DSS 8.2.1): "
                    + UntrustedText.quote(agentId) + " names no single agent; give every agent its own client or "
                    + "service account at the identity provider");
        }
    }

    /** A claim at a top-level name (which may itself hold dots) or else at a dotted path into nested objects. */
    static Object pathValue(JWTClaimsSet claims, String path) {
        Object value = claims.getClaim(path);
        if (value != null || path.indexOf('.') < 0) {
            return value;
        }
        String[] steps = path.split("\\.", -1);
        value = claims.getClaim(steps[0]);
        for (int i = 1; i < steps.length && value != null; i++) {
            value = value instanceof Map<?, ?> object ? object.get(steps[i]) : null;
        }
        return value;
    }

    private static String requiredText(Object value, String claim, String purpose) throws IdentityException {
        if (value == null) {
            throw AgentTokenVerifier.rejected("it has no " + claim + " claim to take " + purpose + " from");
        }
        if (!(value instanceof String text)) {
            throw AgentTokenVerifier.rejected("its " + claim + " claim is not a string");
        }
        if (text.isBlank()) {
            throw AgentTokenVerifier.rejected("its " + claim + " claim is blank");
        }
        return text;
    }

    private static void checkName(String name, String what, int maxLength) throws IdentityException {
        if (name.length() > maxLength) {
            throw AgentTokenVerifier.rejected("its " + what + " is " + name.length() + " characters long; at most "
                    + maxLength + " are accepted");
        }
        if (UntrustedText.hasUnsafeCharacter(name)) {
            throw AgentTokenVerifier.rejected("its " + what + " " + UntrustedText.quote(name)
                    + " holds control or formatting characters");
        }
    }

    /**
     * Adds role or scope names from a claim that is a string or a list of strings; scope strings
     * are space-separated (RFC 6749 section 3.3; Azure's scp too), role strings are one name.
     */
    private static void addNames(Set<String> into, Object value, String claim, boolean spaceSeparated)
            throws IdentityException {
        if (value == null) {
            return;
        }
        if (value instanceof String text) {
            if (spaceSeparated) {
                for (String name : text.split(" ")) {
                    addName(into, name, claim);
                }
            } else {
                addName(into, text, claim);
            }
            return;
        }
        if (value instanceof List<?> list) {
            for (Object element : list) {
                if (!(element instanceof String name)) {
                    throw AgentTokenVerifier.rejected("its " + claim + " claim is not a string or a list of strings");
                }
                addName(into, name, claim);
            }
            return;
        }
        throw AgentTokenVerifier.rejected("its " + claim + " claim is not a string or a list of strings");
    }

    private static void addName(Set<String> into, String name, String claim) throws IdentityException {
        if (name.isBlank()) {
            return;
        }
        checkName(name, claim + " entry", MAX_NAME_LENGTH);
        into.add(name);
    }
}

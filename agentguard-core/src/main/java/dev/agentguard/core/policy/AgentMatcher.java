package dev.agentguard.core.policy;

import dev.agentguard.core.identity.AgentIdentity;

/** An {@link AgentSelector} compiled once, so that selecting an agent allocates nothing. */
final class AgentMatcher {

    private final NamePattern[] ids;
    private final String[] roles;
    private final String[] scopes;
    private final NamePattern[] onBehalfOf;

    AgentMatcher(AgentSelector selector) {
        this.ids = selector.ids().stream().map(id -> NamePattern.compile("agent id", id, 1, false))
                .toArray(NamePattern[]::new);
        this.roles = selector.roles().toArray(String[]::new);
        this.scopes = selector.scopes().toArray(String[]::new);
        this.onBehalfOf = selector.onBehalfOf().stream().map(u -> NamePattern.compile("on-behalf-of user", u, 1, false))
                .toArray(NamePattern[]::new);
    }

    boolean matches(AgentIdentity identity) {
        if (ids.length > 0 && !any(ids, identity.agentId())) {
            return false;
        }
        if (onBehalfOf.length > 0 && (identity.onBehalfOf() == null || !any(onBehalfOf, identity.onBehalfOf()))) {
            return false;
        }
        if (roles.length > 0 && !anyOf(roles, identity.roles())) {
            return false;
        }
        return scopes.length == 0 || anyOf(scopes, identity.scopes());
    }

    private static boolean any(NamePattern[] patterns, String name) {
        for (NamePattern p : patterns) {
            if (p.matches(name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyOf(String[] wanted, java.util.Set<String> held) {
        for (String w : wanted) {
            if (held.contains(w)) {
                return true;
            }
        }
        return false;
    }
}

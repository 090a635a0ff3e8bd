package dev.agentguard.core.policy;

import dev.agentguard.core.identity.AgentIdentity;

/** An {@link AgentSelector} compiled once, so that selecting an agent allocates nothing. */
final class AgentMatcher {

    private final NamePattern[] ids;
    private final String[] roles;
    private final String[] scopes;

    AgentMatcher(AgentSelector selector) {
        this.ids = selector.ids().stream().map(id -> NamePattern.compile("agent id", id, 1, false))
                .toArray(NamePattern[]::new);
        this.roles = selector.roles().toArray(String[]::new);
        this.scopes = selector.scopes().toArray(String[]::new);
    }

    boolean matches(AgentIdentity identity) {
        if (ids.length > 0 && !anyId(identity.agentId())) {
            return false;
        }
        if (roles.length > 0 && !anyOf(roles, identity.roles())) {
            return false;
        }
        return scopes.length == 0 || anyOf(scopes, identity.scopes());
    }

    private boolean anyId(String agentId) {
        for (NamePattern p : ids) {
            if (p.matches(agentId)) {
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

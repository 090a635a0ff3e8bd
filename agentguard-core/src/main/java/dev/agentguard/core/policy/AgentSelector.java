package dev.agentguard.core.policy;

import dev.agentguard.core.identity.AgentIdentity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which agents a rule applies to. Each non-empty list must match (a selector with ids and
 * roles needs both); within a list any entry matches. An empty selector matches every agent.
 *
 * @param ids    agent ids; {@code *} matches any run of characters ({@code batch-*}), case-insensitive
 * @param roles  roles, compared exactly; the agent needs at least one of them
 * @param scopes OAuth scopes, compared exactly; the agent needs at least one of them
 */
public record AgentSelector(Set<String> ids, Set<String> roles, Set<String> scopes, Set<String> onBehalfOf) {

    /** The selector that matches every agent. */
    public static final AgentSelector ANY = new AgentSelector(Set.of(), Set.of(), Set.of(), Set.of());

    public AgentSelector {
        ids = checked("ids", ids);
        roles = checked("roles", roles);
        scopes = checked("scopes", scopes);
        onBehalfOf = checked("onBehalfOf", onBehalfOf);
        for (String id : ids) {
            NamePattern.compile("agent id", id, Integer.MAX_VALUE, false);
        }
        for (String user : onBehalfOf) {
            NamePattern.compile("on-behalf-of user", user, Integer.MAX_VALUE, false);
        }
    }

    /** A selector by agent ids, roles and scopes, for any person (or none) the agent acts for. */
    public AgentSelector(Set<String> ids, Set<String> roles, Set<String> scopes) {
        this(ids, roles, scopes, Set.of());
    }

    /** A selector for agents whose id matches one of {@code ids}. */
    public static AgentSelector ids(String... ids) {
        return new AgentSelector(orderedSet(ids), Set.of(), Set.of());
    }

    /** A selector for agents carrying one of {@code roles}. */
    public static AgentSelector roles(String... roles) {
        return new AgentSelector(Set.of(), orderedSet(roles), Set.of());
    }

    /** A selector for agents carrying one of {@code scopes}. */
    public static AgentSelector scopes(String... scopes) {
        return new AgentSelector(Set.of(), Set.of(), orderedSet(scopes));
    }

    /** This selector, additionally requiring one of {@code roles}. */
    public AgentSelector andRoles(String... roles) {
        return new AgentSelector(ids, orderedSet(roles), scopes, onBehalfOf);
    }

    /** This selector, additionally requiring one of {@code scopes}. */
    public AgentSelector andScopes(String... scopes) {
        return new AgentSelector(ids, roles, orderedSet(scopes), onBehalfOf);
    }

    /** Whether the selector matches every agent. */
    /**
     * These agents, only while acting for one of {@code users} (case-insensitive globs such as
     * {@code *@example.com}); an agent acting for nobody does not match.
     */
    public AgentSelector actingFor(String... users) {
        return new AgentSelector(ids, roles, scopes, orderedSet(users));
    }

    public boolean isAny() {
        return ids.isEmpty() && roles.isEmpty() && scopes.isEmpty() && onBehalfOf.isEmpty();
    }

    /** Whether {@code identity} is selected. Compiles the id patterns; the policy uses a precompiled form. */
    public boolean matches(AgentIdentity identity) {
        return new AgentMatcher(this).matches(identity);
    }

    private static Set<String> checked(String what, Set<String> values) {
        if (values == null) {
            return Set.of();
        }
        for (String v : values) {
            if (v == null || v.isBlank()) {
                throw new IllegalArgumentException("agent selector " + what
                        + " must not contain blank entries; remove the empty entry");
            }
        }
        // Keep the written order for messages and round trips, immutably.
        return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(values));
    }

    private static Set<String> orderedSet(String... values) {
        return new LinkedHashSet<>(Arrays.asList(values));
    }

    /** The selector as the policy file writes it, for messages. */
    @Override
    public String toString() {
        if (isAny()) {
            return "any agent";
        }
        List<String> parts = new ArrayList<>(3);
        if (!ids.isEmpty()) {
            parts.add("ids " + ids);
        }
        if (!onBehalfOf.isEmpty()) {
            parts.add("acting for " + onBehalfOf);
        }
        if (!roles.isEmpty()) {
            parts.add("roles " + roles);
        }
        if (!scopes.isEmpty()) {
            parts.add("scopes " + scopes);
        }
        return String.join(" and ", parts);
    }
}

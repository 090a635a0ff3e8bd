package dev.agentguard.cli;

import dev.agentguard.core.identity.AgentIdentity;
import picocli.CommandLine.Option;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The agent an action is decided for, as given on the command line: the same id, roles and
 * scopes a verified identity carries at run time, so the policy selects the same rules.
 */
final class AgentOptions {
    @Option(names = "--agent", paramLabel = "ID", required = true,
            description = "The agent id, as its verified identity carries it.")
    String agentId;

    @Option(names = "--role", paramLabel = "ROLE",
            description = "A role (or group) the agent carries; repeat for several.")
    List<String> roles;

    @Option(names = "--scope", paramLabel = "SCOPE",
            description = "An OAuth scope the agent carries; repeat for several.")
    List<String> scopes;

    @Option(names = "--on-behalf-of", paramLabel = "USER",
            description = "The human the agent acts for.")
    String onBehalfOf;

    /** The identity to decide for; a blank id, role or scope is bad usage. */
    AgentIdentity identity() throws InputException {
        if (agentId.isBlank()) {
            throw new InputException("--agent is empty; give the agent id the policy selects rules by, "
                    + "e.g. --agent payments-bot");
        }
        return new AgentIdentity(agentId.strip(), onBehalfOf, names("--role", roles), names("--scope", scopes), null);
    }

    private static Set<String> names(String option, List<String> values) throws InputException {
        Set<String> names = new LinkedHashSet<>();
        if (values != null) {
            for (String v : values) {
                if (v.isBlank()) {
                    throw new InputException(option + " is empty; give a name, or leave the option out");
                }
                names.add(v.strip());
            }
        }
        return names;
    }
}

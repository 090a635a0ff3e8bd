/**
 * The guard pipeline every channel shares: decide with the policy, ask for approval where a rule
 * requires it (enforcing the rule's approval terms on every decision), journal the intent before
 * the action runs (fail closed), hand back a {@link dev.agentguard.core.guard.Permit} whose
 * outcome the channel journals after it ran. {@link dev.agentguard.core.guard.CallScope} lets an
 * agent state an intent, a W3C {@link dev.agentguard.core.guard.TraceParent} or a break-glass
 * justification for the calls it makes next.
 */
package dev.agentguard.core.guard;

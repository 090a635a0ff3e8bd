/**
 * The guard pipeline every channel shares: decide with the policy, ask for approval where a rule
 * requires it, journal the intent before the action runs (fail closed), hand back a
 * {@link dev.agentguard.core.guard.Permit} whose outcome the channel journals after it ran.
 */
package dev.agentguard.core.guard;

/**
 * AgentGuard core: what every channel (JDBC, HTTP, SSH) shares.
 *
 * <ul>
 *   <li>{@link dev.agentguard.core.identity}: verified agent identities and where channels get them;</li>
 *   <li>{@link dev.agentguard.core.action}: the channel-neutral description of what an agent asks to do;</li>
 *   <li>{@link dev.agentguard.core.policy}: the policy model, its YAML file and decisions;</li>
 *   <li>{@link dev.agentguard.core.approval}: just-in-time approvals;</li>
 *   <li>{@link dev.agentguard.core.guard}: the pipeline a channel calls per action (decide, approve, journal);</li>
 *   <li>{@link dev.agentguard.core.masking}: detectors and masking strategies.</li>
 * </ul>
 */
package dev.agentguard.core;

/**
 * Policies: rules that allow, deny or send an agent's actions for approval, the YAML policy file
 * a compliance team reviews, and the decision itself ({@link dev.agentguard.core.policy.Policy#decide}).
 * One model for every channel; SQL conditions first, HTTP and SSH conditions join
 * {@link dev.agentguard.core.policy.ChannelCondition} with their channels.
 */
package dev.agentguard.core.policy;

/**
 * Policies: rules that allow, deny or send an agent's actions for approval, the YAML policy file
 * a compliance team reviews, and the decision itself ({@link dev.agentguard.core.policy.Policy#decide}).
 * One model for every channel: {@link dev.agentguard.core.policy.SqlCondition},
 * {@link dev.agentguard.core.policy.HttpCondition} and {@link dev.agentguard.core.policy.SshCondition}
 * are the {@link dev.agentguard.core.policy.ChannelCondition}s.
 */
package dev.agentguard.core.policy;

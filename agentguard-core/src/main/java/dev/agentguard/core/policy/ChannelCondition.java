package dev.agentguard.core.policy;

/**
 * What a rule matches within one channel. A rule holds at most one; a rule without one applies
 * to every action on every channel. {@link SqlCondition} matches SQL statements,
 * {@link HttpCondition} HTTP requests and {@link SshCondition} SSH command lines and SFTP
 * operations, each only its own channel's actions.
 */
public sealed interface ChannelCondition permits SqlCondition, HttpCondition, SshCondition {

    /** Whether the condition constrains nothing (a "broad" rule within its channel). */
    boolean isEmpty();
}

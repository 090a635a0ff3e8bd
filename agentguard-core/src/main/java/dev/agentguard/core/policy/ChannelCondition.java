package dev.agentguard.core.policy;

/**
 * What a rule matches within one channel. A rule holds at most one; a rule without one applies
 * to every action on every channel. {@link SqlCondition} matches SQL statements and
 * {@link HttpCondition} HTTP requests, each only its own channel's actions; SSH conditions join
 * this hierarchy when that channel arrives.
 */
public sealed interface ChannelCondition permits SqlCondition, HttpCondition {

    /** Whether the condition constrains nothing (a "broad" rule within its channel). */
    boolean isEmpty();
}

package dev.agentguard.core.policy;

/**
 * What a rule matches within one channel. A rule holds at most one; a rule without one applies
 * to every action on every channel. SQL is the first channel; HTTP and SSH conditions join this
 * hierarchy as their channels arrive, each matching only its own channel's actions.
 */
public sealed interface ChannelCondition permits SqlCondition {

    /** Whether the condition constrains nothing (a "broad" rule within its channel). */
    boolean isEmpty();
}

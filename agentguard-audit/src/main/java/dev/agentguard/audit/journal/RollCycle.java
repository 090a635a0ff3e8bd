package dev.agentguard.audit.journal;

/**
 * How often the journal starts a new file. Retention deletes whole files, so the cycle is also
 * the granularity of retention.
 */
public enum RollCycle {
    /** One file a week. */
    WEEKLY,
    /** One file a day: the default. */
    DAILY,
    /** One file an hour, for agents that write millions of events a day. */
    HOURLY,
    /** One file every five minutes; mostly useful for tests of rolling and retention. */
    FIVE_MINUTES
}

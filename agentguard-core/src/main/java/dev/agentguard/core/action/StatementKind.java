package dev.agentguard.core.action;

/** What one SQL statement does, as far as a policy is concerned. */
public enum StatementKind {
    SELECT,
    INSERT,
    UPDATE,
    DELETE,
    /** MERGE, and upserts such as {@code INSERT … ON CONFLICT DO UPDATE} or {@code REPLACE}. */
    MERGE,
    /** CREATE, ALTER, DROP, TRUNCATE, COMMENT and other schema changes. */
    DDL,
    /** GRANT, REVOKE and other permission changes. */
    DCL,
    /** CALL, DO, EXECUTE, JDBC {@code {call …}} escapes: code whose effect cannot be read from the text. */
    CALL,
    /** BEGIN, COMMIT, ROLLBACK, SAVEPOINT. */
    TRANSACTION,
    /** SET, SHOW and session settings. */
    SET,
    /** Anything that could not be understood; denied unless a rule names it explicitly. */
    UNKNOWN
}

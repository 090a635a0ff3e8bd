/**
 * SQL understanding for policies: {@link dev.agentguard.jdbc.sql.SqlAnalyzer} turns SQL text into
 * the channel-neutral {@link dev.agentguard.core.action.SqlAction} that policies decide on, a
 * redacted text for the journal, a literal-insensitive shape key for caching decisions, and the
 * provenance of each result column for masking. Built on JSqlParser, which is never exposed:
 * nothing of its syntax trees leaves this package.
 */
package dev.agentguard.jdbc.sql;

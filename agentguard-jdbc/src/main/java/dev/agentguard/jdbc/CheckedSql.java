package dev.agentguard.jdbc;

import dev.agentguard.core.action.Action;
import dev.agentguard.core.action.SqlStatement;
import dev.agentguard.core.action.StatementKind;
import dev.agentguard.jdbc.sql.AnalyzedSql;

/**
 * One SQL string as the guard understood it: the analysis and the action the policy decides
 * on. Built once per prepared statement, or per distinct string of a plain statement.
 *
 * @param analyzed     what the analyzer understood (redacted text, statements, result columns)
 * @param action       the channel-neutral action handed to the guard
 * @param singleResult whether running it yields at most one result (one statement, not a
 *                     procedure call), so its outcome can be journaled as soon as that result
 *                     is consumed
 */
record CheckedSql(AnalyzedSql analyzed, Action action, boolean singleResult) {

    static CheckedSql of(AnalyzedSql analyzed, Action action) {
        boolean single = !analyzed.action().isMultiStatement();
        for (SqlStatement statement : analyzed.action().statements()) {
            if (statement.kind() == StatementKind.CALL || statement.kind() == StatementKind.UNKNOWN) {
                single = false;
            }
        }
        return new CheckedSql(analyzed, action, single);
    }

    /** The redacted text, as the journal shows it. */
    String redactedSql() {
        return analyzed.redactedSql();
    }
}

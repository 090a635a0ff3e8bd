package dev.agentguard.jdbc;

import dev.agentguard.core.action.Action;
import dev.agentguard.core.action.SqlStatement;
import dev.agentguard.core.guard.PreparedAction;
import dev.agentguard.core.action.StatementKind;
import dev.agentguard.jdbc.sql.AnalyzedSql;

/**
 * One SQL string as the guard understood it: the analysis and the action the policy decides
 * on, prepared with the guard so that each run reuses the verdict and the intent event. Built
 * once per prepared statement, or per distinct string of a plain statement.
 *
 * @param analyzed     what the analyzer understood (redacted text, statements, result columns)
 * @param action       the channel-neutral action handed to the guard
 * @param prepared     the action as the guard prepared it; null only for SQL that is described
 *                     (in an error) and never run
 * @param singleResult whether running it yields at most one result (one statement, not a
 *                     procedure call), so its outcome can be journaled as soon as that result
 *                     is consumed
 */
record CheckedSql(AnalyzedSql analyzed, Action action, PreparedAction prepared, boolean singleResult) {

    /** SQL the guard will run: the prepared action's. */
    static CheckedSql of(AnalyzedSql analyzed, PreparedAction prepared) {
        return new CheckedSql(analyzed, prepared.action(), prepared, singleResult(analyzed));
    }

    /** SQL that is only described, never run (no guard to prepare it with). */
    static CheckedSql of(AnalyzedSql analyzed, Action action) {
        return new CheckedSql(analyzed, action, null, singleResult(analyzed));
    }

    private static boolean singleResult(AnalyzedSql analyzed) {
        boolean single = !analyzed.action().isMultiStatement();
        for (SqlStatement statement : analyzed.action().statements()) {
            if (statement.kind() == StatementKind.CALL || statement.kind() == StatementKind.UNKNOWN) {
                single = false;
            }
        }
        return single;
    }

    /** The redacted text, as the journal shows it. */
    String redactedSql() {
        return analyzed.redactedSql();
    }
}

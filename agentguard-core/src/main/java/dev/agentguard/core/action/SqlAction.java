package dev.agentguard.core.action;

import java.util.List;
import java.util.Objects;

/**
 * The SQL statements one JDBC call would run. A string with several statements yields
 * several entries, and every one of them is checked.
 *
 * @param statements at least one statement, in the order they appear
 */
public record SqlAction(List<SqlStatement> statements) implements ActionDetail {

    public SqlAction {
        statements = List.copyOf(Objects.requireNonNull(statements, "statements"));
        if (statements.isEmpty()) {
            throw new IllegalArgumentException("a SQL action has at least one statement");
        }
    }

    /** Whether the text held more than one statement. */
    public boolean isMultiStatement() {
        return statements.size() > 1;
    }
}

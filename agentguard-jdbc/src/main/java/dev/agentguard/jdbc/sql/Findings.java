package dev.agentguard.jdbc.sql;

import dev.agentguard.core.action.SqlStatement;
import dev.agentguard.core.action.StatementKind;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What the analysis of one statement found so far. Mutable, confined to one analysis. */
final class Findings {

    StatementKind kind;
    /** The strongest data change met in a nested statement (a data-modifying CTE), or null. */
    StatementKind nestedChange;
    final Set<String> tablesRead = new LinkedHashSet<>();
    final Set<String> tablesWritten = new LinkedHashSet<>();
    final Set<String> columns = new LinkedHashSet<>();
    final Set<String> functions = new LinkedHashSet<>();
    final Set<String> dangerous = new LinkedHashSet<>();
    boolean whereMissing;
    String unknownReason;
    /** How many SELECT blocks the walk reached, checked against the SELECT keywords in the text. */
    int selects;
    /** The result columns of the statement, or null when it returns no rows or they cannot be told. */
    List<Scope.Output> outputs;

    Findings(StatementKind kind) {
        this.kind = kind;
    }

    void unknown(String reason) {
        if (unknownReason == null) {
            unknownReason = reason;
        }
    }

    void dangerous(String form) {
        if (form != null) {
            dangerous.add(form);
        }
    }

    /** Notes a data change inside the statement; the statement reports the strongest one. */
    void change(StatementKind change) {
        if (nestedChange == null || strength(change) > strength(nestedChange)) {
            nestedChange = change;
        }
    }

    /**
     * DELETE over UPDATE over MERGE over INSERT over SELECT: a policy that allows a stronger
     * change normally allows the weaker ones, so reporting the strongest keeps a data-modifying
     * CTE from hiding behind a SELECT.
     */
    private static int strength(StatementKind kind) {
        return switch (kind) {
            case DELETE -> 5;
            case UPDATE -> 4;
            case MERGE -> 3;
            case INSERT -> 2;
            case SELECT -> 1;
            default -> 0;
        };
    }

    SqlStatement toStatement() {
        if (unknownReason != null) {
            return SqlStatement.unknown(unknownReason);
        }
        StatementKind reported = kind;
        if (nestedChange != null && strength(kind) > 0 && strength(nestedChange) > strength(kind)) {
            reported = nestedChange;
        }
        return new SqlStatement(reported, tablesRead, tablesWritten, columns, functions, whereMissing,
                dangerous, null);
    }
}

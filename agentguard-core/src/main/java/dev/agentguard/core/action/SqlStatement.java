package dev.agentguard.core.action;

import java.util.Objects;
import java.util.Set;

/**
 * What one SQL statement touches. Names are normalised: lower case unless quoted in the
 * source, quotes removed, schema-qualified when the text qualifies them
 * ({@code public.cards}), unqualified otherwise ({@code cards}).
 *
 * @param kind            what the statement does
 * @param tablesRead      tables (and views) the statement reads, through CTEs, sub-queries,
 *                        joins and set operations
 * @param tablesWritten   tables the statement inserts into, updates, deletes from, merges
 *                        into or changes the schema of
 * @param columns         columns referenced where derivable, as {@code table.column} when
 *                        the table is known, else the bare column name; {@code *} for a
 *                        star select
 * @param functions       functions called, lower case, schema-qualified when written so
 * @param whereMissing    an UPDATE or DELETE without a WHERE clause (touches every row)
 * @param dangerousForms  recognised dangerous functions and forms, e.g. {@code pg_read_file},
 *                        {@code copy program}, {@code into outfile}, {@code create alias}
 * @param unknownReason   why the statement could not be understood, or {@code null}; set
 *                        whenever {@code kind} is {@link StatementKind#UNKNOWN}
 */
public record SqlStatement(StatementKind kind, Set<String> tablesRead, Set<String> tablesWritten,
                           Set<String> columns, Set<String> functions, boolean whereMissing,
                           Set<String> dangerousForms, String unknownReason) {

    public SqlStatement {
        Objects.requireNonNull(kind, "kind");
        tablesRead = Set.copyOf(tablesRead);
        tablesWritten = Set.copyOf(tablesWritten);
        columns = Set.copyOf(columns);
        functions = Set.copyOf(functions);
        dangerousForms = Set.copyOf(dangerousForms);
        if (kind == StatementKind.UNKNOWN && unknownReason == null) {
            throw new IllegalArgumentException("an UNKNOWN statement carries the reason it is unknown");
        }
    }

    /** A statement that could not be understood, for the given reason. */
    public static SqlStatement unknown(String reason) {
        return new SqlStatement(StatementKind.UNKNOWN, Set.of(), Set.of(), Set.of(), Set.of(), false,
                Set.of(), Objects.requireNonNull(reason, "reason"));
    }

    /** Whether the statement is understood well enough for broad rules to apply to it. */
    public boolean isUnderstood() {
        return kind != StatementKind.UNKNOWN;
    }
}

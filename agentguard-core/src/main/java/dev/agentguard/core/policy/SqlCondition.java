package dev.agentguard.core.policy;

import dev.agentguard.core.action.StatementKind;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a rule matches in a SQL statement. Every condition that is set must hold; an unset
 * condition (an empty list, a {@code null} flag) does not constrain.
 *
 * <p>Names are case-insensitive globs over dotted names, compared from the right: {@code cards}
 * matches {@code public.cards}, {@code *.cards.pan} and {@code cards.pan} match the column
 * {@code public.cards.pan}, {@code *pan*} matches any column whose name contains {@code pan}.
 *
 * <p>The lists read differently for the two kinds of rule, each in the direction that fails
 * closed:
 * <ul>
 *   <li>deny and require-approval rules match a statement that touches <em>any</em> listed
 *       table, column, function or form (a star read {@code cards.*} touches every column of
 *       {@code cards});</li>
 *   <li>allow rules match a statement that stays <em>within</em> the lists: it reads only tables
 *       in {@code tables}, {@code tablesRead} or {@code tablesWritten}, writes only tables in
 *       {@code tables} or {@code tablesWritten}, references only listed columns (a star read only
 *       where the column pattern is {@code *}) and calls only listed functions. An allow rule
 *       never matches an UNKNOWN or CALL statement unless {@code kinds} lists that kind, nor a statement
 *       with a dangerous form unless {@code functions} or {@code dangerousForms} names that
 *       form without wildcards.</li>
 * </ul>
 *
 * @param kinds          statement kinds; empty = any (an allow rule still needs UNKNOWN and CALL listed)
 * @param tables         tables read or written
 * @param tablesRead     tables read
 * @param tablesWritten  tables written
 * @param columns        columns as {@code [[schema.]table.]column}
 * @param functions      functions called, {@code [schema.]function}
 * @param dangerousForms dangerous functions and forms such as {@code pg_read_file},
 *                       {@code copy program}, {@code into outfile}
 * @param whereMissing   {@code true}: only UPDATE/DELETE without WHERE; {@code false}: only
 *                       statements that are not; {@code null}: either
 * @param multiStatement {@code true}: only when the call holds several statements;
 *                       {@code false}: only a single statement; {@code null}: either
 * @param dangerous      {@code true}: only statements with some dangerous form; {@code false}:
 *                       only statements without; {@code null}: either. An allow rule cannot set
 *                       it to {@code true}: it names the forms it allows instead
 */
public record SqlCondition(Set<StatementKind> kinds, List<String> tables, List<String> tablesRead,
                           List<String> tablesWritten, List<String> columns, List<String> functions,
                           List<String> dangerousForms, Boolean whereMissing, Boolean multiStatement,
                           Boolean dangerous) implements ChannelCondition {

    /** The most dotted parts a table pattern may have: catalog.schema.table. */
    static final int TABLE_PARTS = 3;
    /** The most dotted parts a column pattern may have: catalog.schema.table.column. */
    static final int COLUMN_PARTS = 4;
    /** The most dotted parts a function or form pattern may have: schema.function. */
    static final int FUNCTION_PARTS = 3;

    /** The condition that constrains nothing: every understood, non-dangerous statement. */
    public static final SqlCondition ANY = builder().build();

    public SqlCondition {
        kinds = kinds == null || kinds.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(kinds));
        tables = patterns("table pattern", tables, TABLE_PARTS);
        tablesRead = patterns("tablesRead pattern", tablesRead, TABLE_PARTS);
        tablesWritten = patterns("tablesWritten pattern", tablesWritten, TABLE_PARTS);
        columns = patterns("column pattern", columns, COLUMN_PARTS);
        functions = patterns("function pattern", functions, FUNCTION_PARTS);
        dangerousForms = patterns("dangerous form", dangerousForms, FUNCTION_PARTS);
    }

    /** Starts an empty condition. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public boolean isEmpty() {
        return kinds.isEmpty() && tables.isEmpty() && tablesRead.isEmpty() && tablesWritten.isEmpty()
                && columns.isEmpty() && functions.isEmpty() && dangerousForms.isEmpty() && whereMissing == null
                && multiStatement == null && dangerous == null;
    }

    /** Whether any table condition is set. */
    public boolean constrainsTables() {
        return !tables.isEmpty() || !tablesRead.isEmpty() || !tablesWritten.isEmpty();
    }

    private static List<String> patterns(String what, List<String> values, int maxParts) {
        if (values == null || values.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>(values.size());
        for (String v : values) {
            out.add(NamePattern.compile(what, v, maxParts, true).text());
        }
        return List.copyOf(out);
    }

    /** Builds a {@link SqlCondition}; each setter replaces the list it sets. */
    public static final class Builder {
        private final Set<StatementKind> kinds = EnumSet.noneOf(StatementKind.class);
        private List<String> tables = List.of();
        private List<String> tablesRead = List.of();
        private List<String> tablesWritten = List.of();
        private List<String> columns = List.of();
        private List<String> functions = List.of();
        private List<String> dangerousForms = List.of();
        private Boolean whereMissing;
        private Boolean multiStatement;
        private Boolean dangerous;

        private Builder() {
        }

        public Builder kinds(StatementKind... kinds) {
            return kinds(Arrays.asList(kinds));
        }

        public Builder kinds(Collection<StatementKind> kinds) {
            this.kinds.clear();
            for (StatementKind k : kinds) {
                this.kinds.add(Objects.requireNonNull(k, "kinds must not contain null"));
            }
            return this;
        }

        public Builder tables(String... patterns) {
            this.tables = list("tables", patterns);
            return this;
        }

        public Builder tablesRead(String... patterns) {
            this.tablesRead = list("tablesRead", patterns);
            return this;
        }

        public Builder tablesWritten(String... patterns) {
            this.tablesWritten = list("tablesWritten", patterns);
            return this;
        }

        public Builder columns(String... patterns) {
            this.columns = list("columns", patterns);
            return this;
        }

        public Builder functions(String... patterns) {
            this.functions = list("functions", patterns);
            return this;
        }

        public Builder dangerousForms(String... forms) {
            this.dangerousForms = list("dangerousForms", forms);
            return this;
        }

        /** {@code true} matches UPDATE and DELETE without WHERE; {@code null} unsets. */
        public Builder whereMissing(Boolean whereMissing) {
            this.whereMissing = whereMissing;
            return this;
        }

        /** {@code true} matches calls with several statements; {@code null} unsets. */
        public Builder multiStatement(Boolean multiStatement) {
            this.multiStatement = multiStatement;
            return this;
        }

        /** {@code true} matches statements with any dangerous form; {@code null} unsets. */
        public Builder dangerous(Boolean dangerous) {
            this.dangerous = dangerous;
            return this;
        }

        public SqlCondition build() {
            return new SqlCondition(kinds, tables, tablesRead, tablesWritten, columns, functions, dangerousForms,
                    whereMissing, multiStatement, dangerous);
        }

        private static List<String> list(String what, String... values) {
            for (String v : values) {
                Objects.requireNonNull(v, what + " must not contain null");
            }
            return List.of(values);
        }
    }
}

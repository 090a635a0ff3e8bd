package dev.agentguard.core.policy;

import dev.agentguard.core.action.SqlAction;
import dev.agentguard.core.action.SqlStatement;
import dev.agentguard.core.action.StatementKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A {@link SqlCondition} compiled at policy build: patterns parsed once, kinds as a lookup table.
 * Two readings, as {@link SqlCondition} documents: {@link #touches} for deny and require-approval
 * rules (any overlap), {@link #confines} for allow rules (the statement stays within the lists).
 */
final class CompiledSqlCondition {

    private static final NamePattern[] NONE = new NamePattern[0];

    private final boolean[] kinds; // by ordinal; null = any kind
    private final NamePattern[] tables;
    private final NamePattern[] tablesRead;
    private final NamePattern[] tablesWritten;
    private final NamePattern[] readScope;
    private final NamePattern[] writeScope;
    private final NamePattern[] columns;
    private final NamePattern[] functions;
    private final NamePattern[] forms;
    private final Boolean whereMissing;
    private final Boolean multiStatement;
    private final Boolean dangerous;

    CompiledSqlCondition(SqlCondition c) {
        if (c.kinds().isEmpty()) {
            this.kinds = null;
        } else {
            this.kinds = new boolean[StatementKind.values().length];
            for (StatementKind k : c.kinds()) {
                kinds[k.ordinal()] = true;
            }
        }
        this.tables = compile(c.tables(), SqlCondition.TABLE_PARTS);
        this.tablesRead = compile(c.tablesRead(), SqlCondition.TABLE_PARTS);
        this.tablesWritten = compile(c.tablesWritten(), SqlCondition.TABLE_PARTS);
        this.readScope = concat(tables, tablesRead, tablesWritten);
        this.writeScope = concat(tables, tablesWritten);
        this.columns = compile(c.columns(), SqlCondition.COLUMN_PARTS);
        this.functions = compile(c.functions(), SqlCondition.FUNCTION_PARTS);
        this.forms = compile(c.dangerousForms(), SqlCondition.FUNCTION_PARTS);
        this.whereMissing = c.whereMissing();
        this.multiStatement = c.multiStatement();
        this.dangerous = c.dangerous();
    }

    /** Whether {@code kinds} lists {@code kind} explicitly (an empty list lists nothing). */
    boolean listsKind(StatementKind kind) {
        return kinds != null && kinds[kind.ordinal()];
    }

    /** Whether {@code functions} or {@code dangerousForms} names {@code form} without wildcards. */
    boolean namesForm(String form) {
        return namesExactly(functions, form) || namesExactly(forms, form);
    }

    /** Deny and require-approval reading: every set condition holds, lists match on any overlap. */
    boolean touches(SqlStatement s, SqlAction action) {
        if (kinds != null && !kinds[s.kind().ordinal()]) {
            return false;
        }
        if (tables.length > 0 && !anyMatch(tables, s.tablesRead()) && !anyMatch(tables, s.tablesWritten())) {
            return false;
        }
        if (tablesRead.length > 0 && !anyMatch(tablesRead, s.tablesRead())) {
            return false;
        }
        if (tablesWritten.length > 0 && !anyMatch(tablesWritten, s.tablesWritten())) {
            return false;
        }
        if (columns.length > 0 && !anyColumnTouched(s)) {
            return false;
        }
        if (functions.length > 0 && !anyMatch(functions, s.functions())) {
            return false;
        }
        if (forms.length > 0 && !anyMatch(forms, s.dangerousForms())) {
            return false;
        }
        return flagsHold(s, action);
    }

    /** Allow reading: every set condition holds, and the statement stays within every list. */
    boolean confines(SqlStatement s, SqlAction action) {
        if (kinds != null && !kinds[s.kind().ordinal()]) {
            return false;
        }
        if (readScope.length > 0 && (!allMatch(readScope, s.tablesRead()) || !allMatch(writeScope, s.tablesWritten()))) {
            return false;
        }
        if (columns.length > 0 && !allColumnsCovered(s)) {
            return false;
        }
        if (functions.length > 0 && !allMatch(functions, s.functions())) {
            return false;
        }
        return flagsHold(s, action);
    }

    private boolean flagsHold(SqlStatement s, SqlAction action) {
        if (whereMissing != null && whereMissing != s.whereMissing()) {
            return false;
        }
        if (multiStatement != null && multiStatement != action.isMultiStatement()) {
            return false;
        }
        return dangerous == null || dangerous != s.dangerousForms().isEmpty();
    }

    private boolean anyColumnTouched(SqlStatement s) {
        for (String column : s.columns()) {
            if (column.equals("*")) {
                // A bare star reads every column of every table the statement reads.
                for (String table : s.tablesRead()) {
                    for (NamePattern p : columns) {
                        if (p.mayOverlapStarOf(table)) {
                            return true;
                        }
                    }
                }
            } else {
                for (NamePattern p : columns) {
                    if (p.mayOverlapColumn(column)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private boolean allColumnsCovered(SqlStatement s) {
        for (String column : s.columns()) {
            if (column.equals("*")) {
                for (String table : s.tablesRead()) {
                    if (!anyCoversStarOf(table)) {
                        return false;
                    }
                }
            } else if (!anyMatch(columns, column)) {
                return false;
            }
        }
        return true;
    }

    private boolean anyCoversStarOf(String table) {
        for (NamePattern p : columns) {
            if (p.coversStarOf(table)) {
                return true;
            }
        }
        return false;
    }

    /** For messages: the statement's columns this condition's column patterns touch, sorted. */
    Set<String> touchedColumns(SqlStatement s) {
        Set<String> out = new TreeSet<>();
        for (String column : s.columns()) {
            if (column.equals("*")) {
                for (String table : s.tablesRead()) {
                    for (NamePattern p : columns) {
                        if (p.mayOverlapStarOf(table)) {
                            out.add(table + ".*");
                        }
                    }
                }
            } else {
                for (NamePattern p : columns) {
                    if (p.mayOverlapColumn(column)) {
                        out.add(column);
                    }
                }
            }
        }
        return out;
    }

    /** For messages: the statement's functions this condition's function patterns match, sorted. */
    Set<String> touchedFunctions(SqlStatement s) {
        Set<String> out = new TreeSet<>();
        for (String f : s.functions()) {
            if (anyMatch(functions, f)) {
                out.add(f);
            }
        }
        return out;
    }

    boolean hasColumns() {
        return columns.length > 0;
    }

    boolean hasFunctions() {
        return functions.length > 0;
    }

    boolean requiresWhereMissing() {
        return Boolean.TRUE.equals(whereMissing);
    }

    boolean requiresMultiStatement() {
        return Boolean.TRUE.equals(multiStatement);
    }

    private static boolean anyMatch(NamePattern[] patterns, Set<String> names) {
        for (String name : names) {
            if (anyMatch(patterns, name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean allMatch(NamePattern[] patterns, Set<String> names) {
        for (String name : names) {
            if (!anyMatch(patterns, name)) {
                return false;
            }
        }
        return true;
    }

    private static boolean anyMatch(NamePattern[] patterns, String name) {
        for (NamePattern p : patterns) {
            if (p.matches(name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean namesExactly(NamePattern[] patterns, String name) {
        for (NamePattern p : patterns) {
            if (p.namesExactly(name)) {
                return true;
            }
        }
        return false;
    }

    private static NamePattern[] compile(List<String> patterns, int maxParts) {
        if (patterns.isEmpty()) {
            return NONE;
        }
        NamePattern[] out = new NamePattern[patterns.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = NamePattern.compile("pattern", patterns.get(i), maxParts, true);
        }
        return out;
    }

    private static NamePattern[] concat(NamePattern[]... arrays) {
        List<NamePattern> all = new ArrayList<>();
        for (NamePattern[] a : arrays) {
            all.addAll(List.of(a));
        }
        return all.toArray(NONE);
    }
}

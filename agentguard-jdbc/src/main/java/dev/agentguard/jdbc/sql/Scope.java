package dev.agentguard.jdbc.sql;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The names visible in one query block: its FROM items and the CTEs declared at this level,
 * with a link to the enclosing block for correlated references. Resolution errs on the side of
 * more sources: a column whose table cannot be told gets every candidate, because a masking or
 * column rule that sees too many sources fails closed, one that sees too few leaks.
 */
final class Scope {

    /**
     * One result column of a query, or of a derived table, and the columns it is computed from.
     * A star output ({@code star}) stands for several columns; its label is {@code *}. When it
     * keeps the names of the table columns it passes on ({@code SELECT * FROM cards}), a column
     * {@code x} read through it comes from {@code cards.x}; when it is {@code opaque} (a function's
     * columns, a VALUES list, set-operation branches that cannot be matched by position) any
     * column read through it may come from any of its sources, unchanged.
     */
    record Output(String label, Set<String> sources, boolean star, boolean opaque) {

        Output {
            sources = Set.copyOf(sources);
        }

        Output(String label, Set<String> sources, boolean star) {
            this(label, sources, star, false);
        }

        /** Columns of unknown names, each of which may come from any of {@code sources}. */
        static Output opaque(Set<String> sources) {
            return new Output("*", sources, true, true);
        }
    }

    /** What a FROM item is, for resolving the columns it provides. */
    enum RelationKind {
        /** A table or view: any column name may exist in it. */
        TABLE,
        /** A sub-query, CTE, VALUES list or function: its columns are its outputs. */
        DERIVED
    }

    /**
     * A FROM item.
     *
     * @param alias   the alias, or null
     * @param table   the normalised table name for a TABLE (or the CTE name for a DERIVED CTE), else null
     * @param kind    what it is
     * @param outputs the columns of a DERIVED item
     */
    record Relation(String alias, String table, RelationKind kind, List<Output> outputs) {

        boolean answersTo(String qualifier) {
            if (qualifier.equals(alias)) {
                return true;
            }
            if (table == null) {
                return false;
            }
            // PostgreSQL hides the table name behind an alias; accepting both can only add sources
            return table.equals(qualifier) || table.endsWith("." + qualifier);
        }

        /** The sources of {@code column} read through this item. */
        void sourcesOf(String column, Set<String> into) {
            switch (kind) {
                case TABLE -> into.add(table + "." + column);
                case DERIVED -> {
                    for (Output output : outputs) {
                        if (output.opaque()) {
                            into.addAll(output.sources());
                        } else if (output.star()) {
                            for (String source : output.sources()) {
                                into.add(source.endsWith(".*")
                                        ? source.substring(0, source.length() - 1) + column
                                        : source);
                            }
                        } else if (output.label().equals(column)) {
                            into.addAll(output.sources());
                        }
                    }
                }
            }
        }

        /** The outputs a star over this item yields. */
        List<Output> starOutputs() {
            return switch (kind) {
                case TABLE -> List.of(new Output("*", Set.of(table + ".*"), true));
                case DERIVED -> outputs;
            };
        }

        /** Every source of every column of this item (a whole-row reference). */
        Set<String> allSources() {
            Set<String> all = new LinkedHashSet<>();
            for (Output output : starOutputs()) {
                all.addAll(output.sources());
            }
            return all;
        }
    }

    final Scope parent;
    final List<Relation> relations = new ArrayList<>();
    private final Map<String, List<Output>> ctes = new HashMap<>();
    /** The select list of this block, for ORDER BY and HAVING references to its aliases. */
    List<Output> selectOutputs = List.of();

    Scope(Scope parent) {
        this.parent = parent;
    }

    void declareCte(String name, List<Output> outputs) {
        ctes.put(name, outputs);
    }

    /** The outputs of the nearest CTE called {@code name}, or null when no CTE has that name. */
    List<Output> cte(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            List<Output> outputs = s.ctes.get(name);
            if (outputs != null) {
                return outputs;
            }
        }
        return null;
    }

    /** The FROM item {@code qualifier} names, searching enclosing blocks too, or null. */
    Relation relation(String qualifier) {
        for (Scope s = this; s != null; s = s.parent) {
            for (Relation relation : s.relations) {
                if (relation.answersTo(qualifier)) {
                    return relation;
                }
            }
        }
        return null;
    }

    /**
     * Every source an unqualified {@code column} may denote: the column in every table of this
     * block and of the enclosing blocks (a correlated reference), a select-list alias, or a
     * whole-row reference to a FROM item of that name.
     */
    Set<String> resolveUnqualified(String column) {
        Set<String> sources = new LinkedHashSet<>();
        for (Scope s = this; s != null; s = s.parent) {
            for (Relation relation : s.relations) {
                relation.sourcesOf(column, sources);
                if (relation.answersTo(column)) {
                    sources.addAll(relation.allSources());
                }
            }
            for (Output output : s.selectOutputs) {
                if (!output.star() && output.label().equals(column)) {
                    sources.addAll(output.sources());
                }
            }
        }
        if (sources.isEmpty()) {
            sources.add(column);
        }
        return sources;
    }

    /** The sources of {@code qualifier.column}; as written when the qualifier names no FROM item. */
    Set<String> resolveQualified(String qualifier, String column) {
        Relation relation = relation(qualifier);
        Set<String> sources = new LinkedHashSet<>();
        if (relation == null) {
            sources.add(qualifier + "." + column);
        } else {
            relation.sourcesOf(column, sources);
        }
        return sources;
    }
}

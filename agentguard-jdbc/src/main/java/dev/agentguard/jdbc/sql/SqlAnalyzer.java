package dev.agentguard.jdbc.sql;

import dev.agentguard.core.action.SqlAction;
import dev.agentguard.core.action.SqlStatement;
import dev.agentguard.core.cache.BoundedCache;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Understands SQL text for policy decisions: statement kinds, tables read and written, columns,
 * functions, dangerous forms, result-column provenance for masking, and a redacted form for the
 * journal. Never throws on bad SQL: what cannot be understood comes back as
 * {@link dev.agentguard.core.action.StatementKind#UNKNOWN} with a reason (which never holds a
 * literal value), so policies fail closed.
 *
 * <p>How it reads SQL, and why:
 * <ul>
 *   <li>A lexer pass first (comments, every literal form, quoted and Unicode-escaped names,
 *       statement separators). Text that different databases would read differently (a
 *       backslash before a quote, {@code #}, {@code --x}, nested or MySQL executable comments)
 *       is UNKNOWN, because the database might run statements the analysis never saw.</li>
 *   <li>Every statement of the text is analysed, not just the first.</li>
 *   <li>JSqlParser parses each statement on the calling thread, after a length and nesting
 *       check, from a normalised text in which every literal is replaced by a neutral one. The
 *       analysis therefore cannot depend on a literal value, and that text is the
 *       {@linkplain AnalyzedSql#shapeKey() shape key}: statements differing only in literal
 *       values share one cached analysis.</li>
 *   <li>Forms JSqlParser does not parse (PostgreSQL {@code DO}, {@code COPY}, {@code VACUUM},
 *       {@code SET … TO}, transaction control, JDBC {@code {call}}, H2 {@code RUNSCRIPT},
 *       {@code CREATE ALIAS}…) are recognised explicitly; nothing falls through to a kind a
 *       policy could allow.</li>
 *   <li>A {@code WHERE} clause counts as present whatever it says: {@code WHERE true} and
 *       {@code WHERE 1=1} are WHERE clauses. {@code whereMissing} tells a policy the statement
 *       names no rows; it cannot tell whether a condition selects all of them.</li>
 * </ul>
 *
 * <p>Thread-safe: build one and share it. Analyses are cached (bounded) by exact text and by
 * shape; the caches hold immutable results only.
 */
public final class SqlAnalyzer {

    private static final String OVER_LONG_KEY = "!over-long";
    /**
     * Longer texts are analysed every time rather than cached: the caches are bounded by entries,
     * and entries this size keep a full cache to a few tens of megabytes.
     */
    private static final int CACHEABLE_LENGTH = 4_096;

    private final int maxLength;
    private final int maxNesting;
    private final SqlDialect dialect;
    private final BoundedCache<String, AnalyzedSql> exact;
    private final BoundedCache<String, Shape> shapes;
    /**
     * Admission to the exact-text cache for a text whose shape is already cached: the hash of a
     * text seen once, per slot. Such a text costs only a lex, so it is cached at its second
     * sighting; texts that differ in a literal every time (a key written into the SQL) then
     * never fill the exact cache and evict the texts that do repeat. A stale or colliding slot
     * only changes what is cached, never what an analysis says.
     */
    private final int[] seenOnce;

    /** The literal-independent part of an analysis, shared by every text of one shape. */
    private record Shape(SqlAction action, List<ResultColumn> resultColumns) {
    }

    private SqlAnalyzer(Builder builder) {
        this.maxLength = builder.maxLength;
        this.maxNesting = builder.maxNesting;
        this.dialect = builder.dialect;
        this.exact = new BoundedCache<>(builder.cacheSize);
        this.shapes = new BoundedCache<>(builder.cacheSize);
        this.seenOnce = new int[builder.cacheSize == 0 ? 1 : Integer.highestOneBit(Math.min(builder.cacheSize, 4_096))];
    }

    /**
     * A builder with the defaults: 100 000 characters, nesting 64, 10 000 cached analyses,
     * dialect {@link SqlDialect#ANY}.
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Analyses one SQL string (one or more statements). Never throws on bad SQL.
     *
     * @throws NullPointerException if {@code sql} is null
     */
    public AnalyzedSql analyze(String sql) {
        Objects.requireNonNull(sql, "sql");
        AnalyzedSql cached = exact.get(sql);
        if (cached != null) {
            return cached;
        }
        try {
            return analyzeUncached(sql);
        } catch (RuntimeException | StackOverflowError e) {
            // a defect in the analysis must never let a statement through
            return new AnalyzedSql(action("the analysis failed (" + e.getClass().getSimpleName() + ")"),
                    "[SQL text not analysed]", "!failed:" + sql.length(), 0);
        }
    }

    /** Analyses a text the exact cache does not hold, and caches it there unless it is a new literal variant of a cached shape. */
    private AnalyzedSql analyzeUncached(String sql) {
        if (sql.length() > maxLength) {
            AnalyzedSql overLong = new AnalyzedSql(action("the SQL text is " + sql.length()
                    + " characters long, over the limit of " + maxLength + " (maxLength); send shorter statements"),
                    "[" + sql.length() + " characters of SQL, not analysed: over maxLength]", OVER_LONG_KEY, 0);
            if (sql.length() <= CACHEABLE_LENGTH) {
                exact.put(sql, overLong);
            }
            return overLong;
        }
        SqlLexer.Result lexed = SqlLexer.lex(sql, dialect);
        String problem = lexed.problem();
        if (problem == null && lexed.maxDepth() > maxNesting) {
            problem = "the SQL text nests brackets or CASE expressions " + lexed.maxDepth()
                    + " levels deep, over the limit of " + maxNesting + " (maxNesting); simplify the statement";
        }
        if (problem == null && lexed.statements().isEmpty()) {
            problem = "the text holds no SQL statement";
        }
        String shapeKey = shapeKey(lexed, problem);
        Shape shape = shapes.get(shapeKey);
        boolean admit = true;
        if (shape == null) {
            shape = problem != null ? new Shape(action(problem), List.of()) : analyzeShape(lexed.statements());
            if (shapeKey.length() <= CACHEABLE_LENGTH) {
                shapes.put(shapeKey, shape);
            }
        } else {
            admit = seenBefore(sql);
        }
        // Text the lexer could not read safely may have literals it did not see as such: not journaled.
        String redacted = problem == null ? lexed.redacted() : "[SQL text withheld: " + problem + "]";
        AnalyzedSql analysed = new AnalyzedSql(shape.action(), redacted, shapeKey, lexed.parameterCount(),
                shape.resultColumns());
        if (admit && sql.length() <= CACHEABLE_LENGTH) {
            exact.put(sql, analysed);
        }
        return analysed;
    }

    /** Whether {@code sql} was (probably) seen before; notes it as seen otherwise. Races only change admission. */
    private boolean seenBefore(String sql) {
        int hash = sql.hashCode();
        int slot = (hash ^ (hash >>> 16)) & (seenOnce.length - 1);
        if (seenOnce[slot] == hash) {
            return true;
        }
        seenOnce[slot] = hash;
        return false;
    }

    /**
     * The normalised statements joined by {@code ;}. A lexing problem is part of the key, since
     * it decides the analysis and can come from literal contents (a backslash before a quote).
     */
    private static String shapeKey(SqlLexer.Result lexed, String problem) {
        if (problem != null) {
            // The verdict of an unreadable text depends on its problem only; its tokens may hold
            // misread literals, which no key should keep.
            return "!" + problem;
        }
        StringBuilder key = new StringBuilder();
        for (List<SqlToken> statement : lexed.statements()) {
            if (!key.isEmpty() && key.charAt(key.length() - 1) != '\n') {
                key.append("; ");
            }
            key.append(SqlLexer.normalised(statement, 0, statement.size()));
        }
        return key.toString();
    }

    private static Shape analyzeShape(List<List<SqlToken>> statements) {
        List<SqlStatement> analysed = new ArrayList<>(statements.size());
        List<Scope.Output> outputs = null;
        for (List<SqlToken> statement : statements) {
            StatementReader.Result result = StatementReader.read(statement);
            analysed.add(result.statement());
            outputs = result.outputs();
        }
        List<ResultColumn> resultColumns = List.of();
        if (statements.size() == 1 && outputs != null) {
            resultColumns = resultColumns(outputs);
        }
        return new Shape(new SqlAction(analysed), resultColumns);
    }

    private static List<ResultColumn> resultColumns(List<Scope.Output> outputs) {
        List<ResultColumn> columns = new ArrayList<>(outputs.size());
        int index = 1;
        for (Scope.Output output : outputs) {
            columns.add(new ResultColumn(index++, output.label(), output.sources()));
        }
        return List.copyOf(columns);
    }

    private static SqlAction action(String unknownReason) {
        return new SqlAction(List.of(SqlStatement.unknown(unknownReason)));
    }

    /** Builds a {@link SqlAnalyzer}. */
    public static final class Builder {
        private int maxLength = 100_000;
        private int maxNesting = 64;
        private int cacheSize = 10_000;
        private SqlDialect dialect = SqlDialect.ANY;

        private Builder() {
        }

        /**
         * The database that runs the SQL; see {@link SqlDialect}. Default {@link SqlDialect#ANY},
         * which treats every construct databases read differently as UNKNOWN. Use
         * {@link SqlDialect#fromProductName(String)} with the connection's metadata.
         */
        public Builder dialect(SqlDialect dialect) {
            this.dialect = Objects.requireNonNull(dialect,
                    "dialect must not be null; use SqlDialect.ANY when the database is not known");
            return this;
        }

        /**
         * Longest SQL text analysed, in characters; longer text is UNKNOWN without being parsed.
         * Default 100 000.
         */
        public Builder maxLength(int chars) {
            if (chars < 1) {
                throw new IllegalArgumentException("maxLength must be at least 1 character, was " + chars
                        + "; use the default of 100000 unless statements are known to be longer");
            }
            this.maxLength = chars;
            return this;
        }

        /**
         * Deepest nesting of brackets and CASE expressions analysed; deeper text is UNKNOWN
         * without being parsed, because the parser's time and stack grow with depth. Default 64.
         */
        public Builder maxNesting(int depth) {
            if (depth < 1 || depth > 500) {
                throw new IllegalArgumentException("maxNesting must be between 1 and 500, was " + depth
                        + "; deeper nesting overflows the parser's stack");
            }
            this.maxNesting = depth;
            return this;
        }

        /** Analyses kept in each of the two caches (exact text, shape); 0 turns caching off. Default 10 000. */
        public Builder cacheSize(int entries) {
            if (entries < 0) {
                throw new IllegalArgumentException("cacheSize must be 0 (no cache) or more, was " + entries);
            }
            this.cacheSize = entries;
            return this;
        }

        /** The analyzer; it shares nothing with other analyzers, caches included. */
        public SqlAnalyzer build() {
            return new SqlAnalyzer(this);
        }
    }
}

package dev.agentguard.jdbc;

import dev.agentguard.core.action.SqlStatement;
import dev.agentguard.core.action.StatementKind;
import dev.agentguard.core.masking.ColumnMask;
import dev.agentguard.core.masking.MaskStrategy;
import dev.agentguard.core.masking.MaskTally;
import dev.agentguard.core.masking.Masker;
import dev.agentguard.jdbc.sql.AnalyzedSql;
import dev.agentguard.jdbc.sql.ResultColumn;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How one result set is masked, decided once when it opens: for every column the column rule
 * that applies (or none), the label that names it in messages and counts, the masker whose
 * detectors scan every text value, the row limit and whom to tell when it closes.
 *
 * <p>A column's rule is resolved from two witnesses, and the strictest rule either finds wins
 * (fail closed: if a column could come from a masked source, it is masked):
 * <ul>
 *   <li>the driver's {@link ResultSetMetaData}: schema, table and column name. Drivers differ —
 *       H2 names the base table and column behind an alias; PostgreSQL's driver leaves the schema
 *       empty and gives the alias as the column name, so its {@code getBase*} methods are asked
 *       too; an expression has no table in either — and an unknown part matches every pattern
 *       part;</li>
 *   <li>the parsed query ({@link AnalyzedSql#resultColumns()}): every column a select item is
 *       computed from, so {@code SELECT upper(c.cvv) AS x FROM cards c} masks {@code x} like
 *       {@code cards.cvv}, and a {@code t.*} item checks each of its columns as {@code t.<name>}.
 *       When the select list was not derivable, a column the driver cannot trace meets every rule
 *       on the tables the query reads (every rule, for a statement not understood or a call).</li>
 * </ul>
 * The per-row path only indexes into the arrays built here.
 */
final class ResultMasking {

    /** Told once, when the guarded result set closes, what was read and masked. */
    @FunctionalInterface
    interface Listener {
        /**
         * @param rowsRead     rows the cursor delivered (moves that landed on a row)
         * @param rowLimitHit  whether the result had rows beyond the policy's row limit that the agent did not get
         * @param maskedCounts masked values per field, keyed {@code masked.<column label or detector>}
         */
        void closed(long rowsRead, boolean rowLimitHit, Map<String, Long> maskedCounts);

        /**
         * The same news without a map: masked values per 1-based column of {@code plan} (slot 0
         * unused) in an array the result set no longer changes, or null when nothing was masked. A
         * listener that keeps the array saves the map; by default the map is built.
         */
        default void closed(long rowsRead, boolean rowLimitHit, Plan plan, long[] maskedPerColumn) {
            closed(rowsRead, rowLimitHit, plan.countsByField(maskedPerColumn));
        }
    }

    private static final Listener NO_LISTENER = new Listener() {
        @Override
        public void closed(long rowsRead, boolean rowLimitHit, Map<String, Long> maskedCounts) {
        }

        @Override
        public void closed(long rowsRead, boolean rowLimitHit, Plan plan, long[] maskedPerColumn) {
        }
    };


    private final Plan plan;
    private final long rowLimit;
    private final Listener listener;

    private ResultMasking(Plan plan, long rowLimit, Listener listener) {
        this.plan = plan;
        this.rowLimit = rowLimit;
        this.listener = listener;
    }

    /**
     * The masking of one query's result set.
     *
     * @param masker   the policy's masker
     * @param sql      the analysed query, or null when unknown (a {@code DatabaseMetaData} result,
     *                 a generated-keys result); then only the driver's metadata names columns
     * @param md       the result set's metadata
     * @param rowLimit rows the agent may read, 0 for no limit
     * @param onClose  told once when the result set closes; null when nobody needs to know
     * @throws SQLException when the driver cannot describe the result set's columns; the result
     *                      set must then not be handed out (no plan, no masking)
     */
    static ResultMasking forQuery(Masker masker, AnalyzedSql sql, ResultSetMetaData md, long rowLimit,
                                  Listener onClose) throws SQLException {
        Objects.requireNonNull(masker, "masker");
        Objects.requireNonNull(md, "md");
        checkRowLimit(rowLimit);
        return new ResultMasking(Plan.build(masker, sql, md), rowLimit, onClose == null ? NO_LISTENER : onClose);
    }

    private static void checkRowLimit(long rowLimit) {
        if (rowLimit < 0) {
            throw new IllegalArgumentException("rowLimit is " + rowLimit + ", allowed are 0 (no limit) or more rows");
        }
    }

    /**
     * The per-column part of a result set's masking: which rule masks each column, its label and
     * count key, JSON and number flags. It depends only on the masker, the analysed query and the
     * driver's description of the columns, so a statement run again reuses it as long as the
     * driver describes every column exactly as before ({@link #describes}); any difference (a
     * changed schema, search path or column list) means a new plan. Immutable.
     */
    static final class Plan {
        /** Per column, the driver's answers the plan was built from, in this order. */
        private static final int NAME = 0;
        private static final int LABEL = 1;
        private static final int TABLE = 2;
        private static final int SCHEMA = 3;
        private static final int TYPE_NAME = 4;
        private static final int BASE_SCHEMA = 5;
        private static final int BASE_TABLE = 6;
        private static final int BASE_COLUMN = 7;
        private static final int STRIDE = 8;

        private final Masker masker;
        /** Column rule per 1-based column index, null where none applies; slot 0 unused. */
        private final ColumnMask[] masks;
        /** Lower-case column label per 1-based index: the field of counts and the name in messages. */
        private final String[] labels;
        /** Per 1-based index, the outcome count that counts the column's masked values: {@code masked.<label>}. */
        private final String[] countKeys;
        /** Per 1-based index, whether the column holds JSON, which getObject serves as (masked) text. */
        private final boolean[] json;
        /** Per 1-based index, whether the column is a number wide enough to hold a card number. */
        private final boolean[] numeric;
        private final boolean anyMasked;
        private final DriverErrors errors;
        /** The metadata class (which decides whether the getBase* names are asked) and its answers per column. */
        private final Class<?> metaDataType;
        private final String[] described;
        private final int[] types;

        /** Whether the query filters on or computes from a masked column (a failing row may echo it). */
        private final boolean queryTouchesMasked;

        private Plan(Masker masker, ColumnMask[] masks, String[] labels, boolean[] json, boolean[] numeric,
                     Class<?> metaDataType, String[] described, int[] types, AnalyzedSql sql) {
            this.masker = masker;
            this.masks = masks;
            this.labels = labels;
            this.json = json;
            this.numeric = numeric;
            this.metaDataType = metaDataType;
            this.described = described;
            this.types = types;
            this.countKeys = new String[labels.length];
            boolean any = false;
            for (int i = 1; i < masks.length; i++) {
                any |= masks[i] != null;
                countKeys[i] = MaskTally.PREFIX + labels[i];
            }
            this.anyMasked = any;
            this.errors = new DriverErrors(masker);
            this.queryTouchesMasked = sql != null && errors.touchesMaskedColumns(sql);
        }

        /** Builds the plan of a result set from its metadata; see the class comment of {@link ResultMasking}. */
        static Plan build(Masker masker, AnalyzedSql sql, ResultSetMetaData md) throws SQLException {
            Objects.requireNonNull(masker, "masker");
            Objects.requireNonNull(md, "md");
            int n = md.getColumnCount();
            ColumnMask[] masks = new ColumnMask[n + 1];
            String[] labels = new String[n + 1];
            String[] names = new String[n + 1];
            boolean[] json = new boolean[n + 1];
            boolean[] numeric = new boolean[n + 1];
            boolean[] tableKnown = new boolean[n + 1];
            ColumnMask[] traced = new ColumnMask[n + 1];
            String[] described = new String[(n + 1) * STRIDE];
            int[] types = new int[n + 1];
            Method[] base = BASE_NAMES.get(md.getClass());
            for (int i = 1; i <= n; i++) {
                int at = i * STRIDE;
                String rawColumn = md.getColumnName(i);
                String rawLabel = md.getColumnLabel(i);
                String rawTable = md.getTableName(i);
                String rawSchema = md.getSchemaName(i);
                String typeName = md.getColumnTypeName(i);
                int type = md.getColumnType(i);
                described[at + NAME] = rawColumn;
                described[at + LABEL] = rawLabel;
                described[at + TABLE] = rawTable;
                described[at + SCHEMA] = rawSchema;
                described[at + TYPE_NAME] = typeName;
                types[i] = type;
                String column = blankToNull(rawColumn);
                String label = blankToNull(rawLabel);
                String table = blankToNull(rawTable);
                String schema = blankToNull(rawSchema);
                names[i] = column != null ? column : label;
                labels[i] = lower(label != null ? label : column != null ? column : "column" + i);
                json[i] = typeName != null && lower(typeName).contains("json");
                numeric[i] = isNumericType(type);
                masks[i] = masker.columnMask(schema, table, column);
                if (base.length == 3) {
                    // pgjdbc names the base table but gives the alias as the column name; its getBase* name the source.
                    String rawBaseSchema = baseName(base[0], md, i);
                    String rawBaseTable = baseName(base[1], md, i);
                    String rawBaseColumn = baseName(base[2], md, i);
                    described[at + BASE_SCHEMA] = rawBaseSchema;
                    described[at + BASE_TABLE] = rawBaseTable;
                    described[at + BASE_COLUMN] = rawBaseColumn;
                    String baseTable = blankToNull(rawBaseTable);
                    String baseColumn = blankToNull(rawBaseColumn);
                    if (baseColumn != null) {
                        names[i] = baseColumn;
                        table = table != null ? table : baseTable;
                        masks[i] = stricter(masks[i], masker.columnMask(blankToNull(rawBaseSchema), baseTable, baseColumn));
                    }
                }
                tableKnown[i] = table != null;
                if (table != null && names[i] != null) {
                    traced[i] = masks[i];
                }
            }
            List<ResultColumn> items = sql == null ? List.of() : sql.resultColumns();
            if (!items.isEmpty()) {
                new QueryColumns(masker, items, names, masks).resolve();
            } else if (sql != null) {
                maskUnknownOrigins(masker, sql, tableKnown, masks);
            }
            redactUntracedPartialMasks(masks, traced);
            return new Plan(masker, masks, labels, json, numeric, md.getClass(), described, types, sql);
        }

        /**
         * Whether {@code md} describes the columns exactly as the metadata this plan was built
         * from: the same metadata class, column count, and per column the same name, label,
         * table, schema, type, type name and (where the driver has them) base names. Allocates
         * nothing for a driver that hands out the same strings. Anything else — including a
         * driver that fails to answer — is a no, and the caller builds a new plan.
         */
        boolean describes(ResultSetMetaData md) throws SQLException {
            if (md == null || md.getClass() != metaDataType) {
                return false;
            }
            int n = masks.length - 1;
            if (md.getColumnCount() != n) {
                return false;
            }
            Method[] base = BASE_NAMES.get(metaDataType);
            for (int i = 1; i <= n; i++) {
                int at = i * STRIDE;
                if (md.getColumnType(i) != types[i]
                        || !Objects.equals(md.getColumnName(i), described[at + NAME])
                        || !Objects.equals(md.getColumnLabel(i), described[at + LABEL])
                        || !Objects.equals(md.getTableName(i), described[at + TABLE])
                        || !Objects.equals(md.getSchemaName(i), described[at + SCHEMA])
                        || !Objects.equals(md.getColumnTypeName(i), described[at + TYPE_NAME])) {
                    return false;
                }
                if (base.length == 3
                        && (!Objects.equals(baseName(base[0], md, i), described[at + BASE_SCHEMA])
                        || !Objects.equals(baseName(base[1], md, i), described[at + BASE_TABLE])
                        || !Objects.equals(baseName(base[2], md, i), described[at + BASE_COLUMN]))) {
                    return false;
                }
            }
            return true;
        }

        Masker masker() {
            return masker;
        }

        int columnCount() {
            return masks.length - 1;
        }

        /** The rule for a 1-based column index that the caller has range-checked, or null. */
        ColumnMask mask(int column) {
            return masks[column];
        }

        /** The lower-case label of a 1-based column index that the caller has range-checked. */
        String label(int column) {
            return labels[column];
        }

        /** The outcome count of a 1-based column index that the caller has range-checked: {@code masked.<label>}. */
        String countKey(int column) {
            return countKeys[column];
        }

        /** Whether a 1-based column index that the caller has range-checked holds JSON. */
        boolean isJson(int column) {
            return json[column];
        }

        /** Whether a 1-based column index that the caller has range-checked is a number that can hold a card number. */
        boolean isNumeric(int column) {
            return numeric[column];
        }

        /** Whether any column of the result has a rule. */
        boolean hasMaskedColumns() {
            return anyMasked;
        }

        /**
         * Whether a driver message about this result may echo a masked value: a column of the result
         * has a rule, or the query filters on or computes from a masked column (a row fetched later,
         * failing on {@code cast(cvv AS int)}, would quote it).
         */
        boolean mayEchoMaskedValues() {
            return anyMasked || queryTouchesMasked;
        }

        /** Turns driver failures into what the agent may see. */
        DriverErrors errors() {
            return errors;
        }

        /**
         * Masked values per field, keyed {@code masked.<column label>} in column order, from counts
         * per 1-based column (null: none); columns that share a label share a count.
         */
        Map<String, Long> countsByField(long[] maskedPerColumn) {
            if (maskedPerColumn == null) {
                return Map.of();
            }
            Map<String, Long> counts = null;
            for (int i = 1; i < maskedPerColumn.length && i < masks.length; i++) {
                long n = maskedPerColumn[i];
                if (n == 0) {
                    continue;
                }
                if (counts == null) {
                    counts = new java.util.LinkedHashMap<>();
                }
                counts.merge(countKeys[i], n, Long::sum);
            }
            return counts == null ? Map.of() : counts;
        }
    }

    /**
     * A query whose select list could not be mapped to its sources (the parser could not derive
     * it): a column the driver cannot trace to a table (an expression, a union) could come from
     * any table the query reads, so every rule on those tables applies to it. When the statement
     * was not understood at all, or is a procedure call whose result can come from anywhere, such
     * a column meets every rule.
     */
    private static void maskUnknownOrigins(Masker masker, AnalyzedSql sql, boolean[] tableKnown, ColumnMask[] masks) {
        for (int i = 1; i < masks.length; i++) {
            if (tableKnown[i]) {
                continue;
            }
            for (SqlStatement statement : sql.action().statements()) {
                if (statement.kind() == StatementKind.UNKNOWN || statement.kind() == StatementKind.CALL) {
                    masks[i] = stricter(masks[i], masker.columnMask(null, null, null));
                }
                for (String qualified : statement.tablesRead()) {
                    int dot = qualified.lastIndexOf('.');
                    String table = dot < 0 ? qualified : qualified.substring(dot + 1);
                    String schema = dot < 0 ? null : qualified.substring(0, dot);
                    masks[i] = stricter(masks[i], masker.columnMask(blankToNull(schema), blankToNull(table), null));
                }
            }
        }
    }

    /**
     * A rule that shows part of a value (partial) or an equality-preserving form of it (keyed
     * hash) is safe on the stored value only: on a value computed from it, the query chooses which
     * characters land in the shown part ({@code 'abcdefgh' || substring(pan, 7, 4)} shows hidden
     * PAN digits) or hashes a guessable fragment. So such a rule stays only where the driver
     * traces the column to the table column the rule is about; anywhere else the value is redacted.
     */
    private static void redactUntracedPartialMasks(ColumnMask[] masks, ColumnMask[] traced) {
        for (int i = 1; i < masks.length; i++) {
            ColumnMask mask = masks[i];
            if (mask != null && mask != traced[i]
                    && (mask.strategy() == MaskStrategy.PARTIAL || mask.strategy() == MaskStrategy.KEYED_HASH)) {
                masks[i] = new Redaction(mask.ruleId());
            }
        }
    }

    /** A column rule's partial or keyed hash turned into a redaction, for a value the driver cannot trace. */
    private record Redaction(String ruleId) implements ColumnMask {

        @Override
        public MaskStrategy strategy() {
            return MaskStrategy.REDACT;
        }

        @Override
        public String mask(String raw) {
            return raw == null ? null : "[REDACTED]";
        }
    }

    /** The {@code getBaseSchemaName}, {@code getBaseTableName}, {@code getBaseColumnName} of a driver that has them, else none. */
    private static final ClassValue<Method[]> BASE_NAMES = new ClassValue<>() {
        @Override
        protected Method[] computeValue(Class<?> type) {
            try {
                Method[] methods = {type.getMethod("getBaseSchemaName", int.class),
                        type.getMethod("getBaseTableName", int.class), type.getMethod("getBaseColumnName", int.class)};
                for (Method m : methods) {
                    if (m.getReturnType() != String.class || !Modifier.isPublic(m.getDeclaringClass().getModifiers())) {
                        return new Method[0];
                    }
                }
                return methods;
            } catch (NoSuchMethodException | SecurityException e) {
                return new Method[0];
            }
        }
    };

    private static String baseName(Method method, ResultSetMetaData md, int column) throws SQLException {
        try {
            return blankToNull((String) method.invoke(md, column));
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof SQLException) {
                throw (SQLException) e.getCause();
            }
            return null;
        } catch (IllegalAccessException | RuntimeException e) {
            return null;
        }
    }

    Masker masker() {
        return plan.masker;
    }

    /** The per-column plan, which a statement may reuse for its next result set. */
    Plan plan() {
        return plan;
    }

    int columnCount() {
        return plan.masks.length - 1;
    }

    /** The rule for a 1-based column index that the caller has range-checked, or null. */
    ColumnMask mask(int column) {
        return plan.mask(column);
    }

    /** The lower-case label of a 1-based column index that the caller has range-checked. */
    String label(int column) {
        return plan.labels[column];
    }

    /** The outcome count of a 1-based column index that the caller has range-checked: {@code masked.<label>}. */
    String countKey(int column) {
        return plan.countKeys[column];
    }

    /** Whether a 1-based column index that the caller has range-checked holds JSON. */
    boolean isJson(int column) {
        return plan.json[column];
    }

    /** Whether a 1-based column index that the caller has range-checked is a number that can hold a card number. */
    boolean isNumeric(int column) {
        return plan.numeric[column];
    }

    /** Whether any column of the result has a rule. */
    boolean hasMaskedColumns() {
        return plan.anyMasked;
    }

    /**
     * Whether a driver message about this result may echo a masked value: a column of the result
     * has a rule, or the query filters on or computes from a masked column (a row fetched later,
     * failing on {@code cast(cvv AS int)}, would quote it).
     */
    boolean mayEchoMaskedValues() {
        return plan.anyMasked || plan.queryTouchesMasked;
    }

    /** Turns driver failures into what the agent may see. */
    DriverErrors errors() {
        return plan.errors;
    }

    long rowLimit() {
        return rowLimit;
    }

    Listener listener() {
        return listener;
    }

    /**
     * Maps select items to result columns and applies the rules their sources meet. A star
     * expands to a number of columns the parser cannot know, so items before the first star
     * map from the left, items after the last star from the right, and every column in
     * between is checked against the sources of every item in between (a star's {@code t.*}
     * as {@code t.<column name>}). When the counts do not fit, every column is checked against
     * every source: over-masking is the fail-closed answer to not knowing.
     */
    private static final class QueryColumns {
        private final Masker masker;
        private final List<ResultColumn> items;
        private final String[] names;
        private final ColumnMask[] masks;

        QueryColumns(Masker masker, List<ResultColumn> items, String[] names, ColumnMask[] masks) {
            this.masker = masker;
            this.items = items;
            this.names = names;
            this.masks = masks;
        }

        void resolve() {
            int n = masks.length - 1;
            int k = items.size();
            int firstStar = -1;
            int lastStar = -1;
            for (int j = 0; j < k; j++) {
                if (isStar(items.get(j))) {
                    if (firstStar < 0) {
                        firstStar = j;
                    }
                    lastStar = j;
                }
            }
            if (firstStar < 0) {
                if (k == n) {
                    for (int j = 0; j < k; j++) {
                        apply(j + 1, items.get(j), false);
                    }
                } else {
                    applyEverywhere(1, n, 0, k - 1);
                }
                return;
            }
            int after = k - 1 - lastStar; // items after the last star
            if (firstStar + after > n) {
                applyEverywhere(1, n, 0, k - 1);
                return;
            }
            for (int j = 0; j < firstStar; j++) {
                apply(j + 1, items.get(j), false);
            }
            for (int j = lastStar + 1; j < k; j++) {
                apply(n - (k - 1 - j), items.get(j), false);
            }
            applyEverywhere(firstStar + 1, n - after, firstStar, lastStar);
        }

        private void applyEverywhere(int fromColumn, int toColumn, int fromItem, int toItem) {
            for (int i = fromColumn; i <= toColumn; i++) {
                for (int j = fromItem; j <= toItem; j++) {
                    apply(i, items.get(j), true);
                }
            }
        }

        /**
         * Checks column {@code i} against every source of {@code item}. A {@code t.*} source is
         * {@code t.<column name>} when the column may be one of the star's columns; otherwise
         * (a whole-row expression such as {@code count(t.*)}) the column is unknown, which
         * matches every rule on {@code t}.
         */
        private void apply(int i, ResultColumn item, boolean starExpanded) {
            for (String source : item.sourceColumns()) {
                int lastDot = source.lastIndexOf('.');
                String column = lastDot < 0 ? source : source.substring(lastDot + 1);
                String table = null;
                String schema = null;
                if (lastDot > 0) {
                    String qualifier = source.substring(0, lastDot);
                    int dot = qualifier.lastIndexOf('.');
                    table = dot < 0 ? qualifier : qualifier.substring(dot + 1);
                    schema = dot < 0 ? null : qualifier.substring(0, dot);
                }
                if ("*".equals(column)) {
                    column = starExpanded || isStar(item) ? names[i] : null;
                }
                masks[i] = stricter(masks[i], masker.columnMask(blankToNull(schema), blankToNull(table),
                        blankToNull(column)));
            }
        }

        /** A select item that expands to the columns of one or more tables: {@code *} or {@code t.*}. */
        private static boolean isStar(ResultColumn item) {
            String label = item.label().strip();
            if (label.equals("*") || label.endsWith(".*")) {
                return true;
            }
            if (label.indexOf('*') < 0 || item.sourceColumns().isEmpty()) {
                return false;
            }
            for (String source : item.sourceColumns()) {
                if (!source.endsWith("*")) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * The rule that hides more: a value that is NULL or redacted reveals nothing, a keyed hash
     * reveals equality, a partial mask reveals some characters.
     */
    static ColumnMask stricter(ColumnMask a, ColumnMask b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return rank(b.strategy()) > rank(a.strategy()) ? b : a;
    }

    private static int rank(MaskStrategy strategy) {
        switch (strategy) {
            case NULL:
                return 4;
            case REDACT:
                return 3;
            case KEYED_HASH:
                return 2;
            case PARTIAL:
            default:
                return 1;
        }
    }

    private static boolean isNumericType(int sqlType) {
        switch (sqlType) {
            case Types.BIGINT:
            case Types.DECIMAL:
            case Types.NUMERIC:
            case Types.DOUBLE:
            case Types.FLOAT:
            case Types.REAL:
                return true;
            default:
                return false;
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}

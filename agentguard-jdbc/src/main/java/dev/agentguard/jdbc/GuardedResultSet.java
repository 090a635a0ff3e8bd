package dev.agentguard.jdbc;

import dev.agentguard.core.masking.ColumnMask;
import dev.agentguard.core.masking.MaskStrategy;
import dev.agentguard.core.masking.MaskTally;
import dev.agentguard.core.masking.Masker;

import javax.xml.transform.Result;
import javax.xml.transform.Source;
import javax.xml.transform.stream.StreamSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.StringReader;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLType;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Struct;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Period;
import java.time.temporal.TemporalAccessor;
import java.util.Arrays;
import java.util.Calendar;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The result set an agent gets: every value passes the {@link ResultMasking} plan before it
 * leaves. A column with a rule yields only its masked text — through every getter, by index and
 * by label — and refuses numeric, date and other typed reads that would have to carry the raw
 * value; every other text value is scanned by the masker's detectors. The cursor stops at the
 * policy's row limit, scrolling included.
 *
 * <p>Numbers are values too: a BIGINT or DECIMAL holding a card number is refused by the typed
 * getters (a number cannot carry a mask) and served as masked text by {@code getString} and
 * {@code getObject}. JSON and driver objects ({@code PGobject}, intervals) are served as masked
 * text; LOBs, arrays and XML as masked in-memory copies.
 *
 * <p>Rows cannot be changed through it (every {@code update*}, {@code insertRow},
 * {@code deleteRow} is refused): such a change would reach the database without passing the
 * policy or the journal. {@link #getStatement()} returns the guarded statement and
 * {@link #unwrap(Class)} hands out no driver object. Driver errors are copied through
 * {@link DriverErrors} (messages masked by the detectors), and withheld for a masked column,
 * since a driver message can quote the value. Not thread-safe, like any result set.
 *
 * <p>The per-row path indexes into arrays the plan built once; it allocates only what masking a
 * value needs (a streamed or LOB value is read whole, since a card number may straddle any chunk
 * boundary).
 */
final class GuardedResultSet implements ResultSet {

    /** Insufficient privilege, as for a policy denial: the raw value is not the agent's to read. */
    private static final String MASKED_SQL_STATE = "42501";
    private static final byte ASK_DRIVER = 0;
    private static final byte WAS_NULL = 1;
    private static final byte NOT_NULL = 2;
    /** Below this a long has at most 11 digits: shorter than any card number. */
    private static final long SMALLEST_PAN_SIZED = 100_000_000_000L;

    private final ResultSet delegate;
    private final Statement owner;
    private final ResultMasking.Plan plan;
    private final ResultMasking.Listener listener;
    private final long limit;
    /**
     * Values masked per 1-based column, by its rule or the detectors; counted into the outcome when
     * the result set closes. Lent by the statement's run (so that a statement run again allocates
     * none), or made at the first masked value.
     */
    private long[] maskedCounts;
    /** Counts what the detectors mask in columns without a rule; made at the first detector hit. */
    private MaskTally scanTally;
    /**
     * Columns 1 to 63 whose value at the current cursor position was counted as masked, one bit
     * each, so a value read twice counts once; cleared by every move.
     */
    private long countedBits;
    /** The same for columns from 64 on, 64 columns a word; made when first needed, cleared by every move. */
    private long[] countedWide;
    private long rowsRead;
    private boolean limitHit;
    /** With a row limit: the logical row the cursor is on, 0 before the first. */
    private long position;
    /** With a row limit: the cursor is past the last row the agent may see; getters refuse. */
    private boolean past;
    private byte nullState = ASK_DRIVER;
    private boolean closed;
    private ResultSetMetaData metaData;

    /**
     * @param delegate the driver's result set; never handed out
     * @param owner    the guarded statement that produced it, or null for a {@code DatabaseMetaData} result
     * @param masking  the plan for this result set
     */
    GuardedResultSet(ResultSet delegate, Statement owner, ResultMasking masking) {
        this(delegate, owner, Objects.requireNonNull(masking, "masking").plan(), masking.rowLimit(),
                masking.listener(), null);
    }

    /**
     * @param delegate  the driver's result set; never handed out
     * @param owner     the guarded statement that produced it
     * @param plan      the masking plan for this result set
     * @param rowLimit  rows the agent may read, 0 for no limit
     * @param listener  told once when the result set closes
     * @param counts    an array of {@code plan.columnCount() + 1} zeros to count masked values in,
     *                  lent by the run; null to make one at the first masked value
     */
    GuardedResultSet(ResultSet delegate, Statement owner, ResultMasking.Plan plan, long rowLimit,
                     ResultMasking.Listener listener, long[] counts) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.owner = owner;
        this.plan = Objects.requireNonNull(plan, "plan");
        this.listener = Objects.requireNonNull(listener, "listener");
        if (rowLimit < 0) {
            throw new IllegalArgumentException("rowLimit is " + rowLimit + ", allowed are 0 (no limit) or more rows");
        }
        this.limit = rowLimit;
        this.maskedCounts = counts;
    }

    // ---------------------------------------------------------------- cursor

    @Override
    public boolean next() throws SQLException {
        try {
            if (limit == 0) {
                return landed(delegate.next());
            }
            if (past) {
                return false;
            }
            if (position >= limit) {
                // The agent may read no further; look one row ahead only to journal that the limit cut the result.
                if (!limitHit) {
                    limitHit = delegate.next();
                }
                toPast();
                return false;
            }
            if (delegate.next()) {
                position++;
                return landed(true);
            }
            toPast();
            return false;
        } catch (SQLException | RuntimeException e) {
            throw cursorError(e);
        }
    }

    @Override
    public boolean previous() throws SQLException {
        try {
            if (limit == 0) {
                return landed(delegate.previous());
            }
            long target = past ? limitedCount() : position - 1;
            if (target < 1) {
                toBeforeFirst();
                return false;
            }
            return moveTo(target);
        } catch (SQLException | RuntimeException e) {
            throw cursorError(e);
        }
    }

    @Override
    public boolean first() throws SQLException {
        try {
            if (limit == 0) {
                return landed(delegate.first());
            }
            return moveTo(1);
        } catch (SQLException | RuntimeException e) {
            throw cursorError(e);
        }
    }

    @Override
    public boolean last() throws SQLException {
        try {
            if (limit == 0) {
                return landed(delegate.last());
            }
            long count = limitedCount();
            if (count == 0) {
                toPast();
                return false;
            }
            return moveTo(count);
        } catch (SQLException | RuntimeException e) {
            throw cursorError(e);
        }
    }

    @Override
    public boolean absolute(int row) throws SQLException {
        try {
            if (limit == 0) {
                return landed(delegate.absolute(row));
            }
            if (row == 0) {
                toBeforeFirst();
                return false;
            }
            return moveToward(row > 0 ? row : limitedCount() + 1 + row);
        } catch (SQLException | RuntimeException e) {
            throw cursorError(e);
        }
    }

    @Override
    public boolean relative(int rows) throws SQLException {
        try {
            if (limit == 0) {
                return landed(delegate.relative(rows));
            }
            long base = past ? limitedCount() + 1 : position;
            return moveToward(base + rows);
        } catch (SQLException | RuntimeException e) {
            throw cursorError(e);
        }
    }

    @Override
    public void beforeFirst() throws SQLException {
        try {
            if (limit == 0) {
                delegate.beforeFirst();
                landed(false);
                return;
            }
            toBeforeFirst();
        } catch (SQLException | RuntimeException e) {
            throw cursorError(e);
        }
    }

    @Override
    public void afterLast() throws SQLException {
        try {
            delegate.afterLast();
            if (limit == 0) {
                landed(false);
                return;
            }
            toPast();
        } catch (SQLException | RuntimeException e) {
            throw cursorError(e);
        }
    }

    @Override
    public boolean isBeforeFirst() throws SQLException {
        try {
            if (limit == 0) {
                return delegate.isBeforeFirst();
            }
            return !past && position == 0 && delegate.isBeforeFirst();
        } catch (SQLException | RuntimeException e) {
            throw cursorError(e);
        }
    }

    @Override
    public boolean isAfterLast() throws SQLException {
        try {
            if (limit == 0) {
                return delegate.isAfterLast();
            }
            return past && (rowsRead > 0 || limitHit || delegate.isAfterLast());
        } catch (SQLException | RuntimeException e) {
            throw cursorError(e);
        }
    }

    @Override
    public boolean isFirst() throws SQLException {
        try {
            if (limit == 0) {
                return delegate.isFirst();
            }
            return !past && position == 1;
        } catch (SQLException | RuntimeException e) {
            throw cursorError(e);
        }
    }

    @Override
    public boolean isLast() throws SQLException {
        try {
            if (limit == 0) {
                return delegate.isLast();
            }
            return !past && position >= 1 && (position == limit || delegate.isLast());
        } catch (SQLException | RuntimeException e) {
            throw cursorError(e);
        }
    }

    @Override
    public int getRow() throws SQLException {
        try {
            if (limit == 0) {
                return delegate.getRow();
            }
            return past ? 0 : (int) position;
        } catch (SQLException | RuntimeException e) {
            throw cursorError(e);
        }
    }

    /** A new cursor position: nothing on it was counted yet. */
    private void moved() {
        countedBits = 0;
        if (countedWide != null) {
            Arrays.fill(countedWide, 0L);
        }
    }

    /** Records a cursor move of an unlimited result set. */
    private boolean landed(boolean onRow) {
        moved();
        nullState = ASK_DRIVER;
        if (onRow) {
            rowsRead++;
        }
        return onRow;
    }

    /** With a row limit: a move to a logical row that may be beyond the limit or before the first. */
    private boolean moveToward(long target) throws SQLException {
        if (target < 1) {
            toBeforeFirst();
            return false;
        }
        if (target > limit) {
            // Beyond the limit: the row is not served; look whether it would have existed, for the journal.
            if (!limitHit) {
                limitHit = delegate.absolute(toInt(limit + 1));
            }
            toPast();
            return false;
        }
        return moveTo(target);
    }

    /** With a row limit: a move to logical row {@code target}, 1 to the limit. */
    private boolean moveTo(long target) throws SQLException {
        boolean onRow = delegate.absolute(toInt(target));
        moved();
        nullState = ASK_DRIVER;
        if (onRow) {
            position = target;
            past = false;
            rowsRead++;
            return true;
        }
        position = 0;
        past = true;
        return false;
    }

    private void toBeforeFirst() throws SQLException {
        delegate.beforeFirst();
        moved();
        position = 0;
        past = false;
    }

    private void toPast() {
        moved();
        position = 0;
        past = true;
    }

    /** With a row limit: the rows the agent may see, counting the result by scrolling to its end. */
    private long limitedCount() throws SQLException {
        long count = delegate.last() ? delegate.getRow() : 0;
        if (count > limit) {
            limitHit = true;
            return limit;
        }
        return count;
    }

    private static int toInt(long row) {
        return (int) Math.min(row, Integer.MAX_VALUE);
    }

    // ---------------------------------------------------------------- text getters

    @Override
    public String getString(int columnIndex) throws SQLException {
        int i = column(columnIndex);
        try {
            ColumnMask mask = plan.mask(i);
            if (mask != null) {
                return masked(i, mask, delegate.getString(i));
            }
            nullState = ASK_DRIVER;
            String s = delegate.getString(i);
            return s == null ? null : scan(i, s);
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, i);
        }
    }

    @Override
    public String getNString(int columnIndex) throws SQLException {
        int i = column(columnIndex);
        try {
            ColumnMask mask = plan.mask(i);
            if (mask != null) {
                return masked(i, mask, delegate.getString(i));
            }
            nullState = ASK_DRIVER;
            String s = delegate.getNString(i);
            return s == null ? null : scan(i, s);
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, i);
        }
    }

    @Override
    public byte[] getBytes(int columnIndex) throws SQLException {
        int i = column(columnIndex);
        try {
            ColumnMask mask = plan.mask(i);
            if (mask != null) {
                String text = masked(i, mask, delegate.getString(i));
                return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
            }
            nullState = ASK_DRIVER;
            if (plan.isNumeric(i)) {
                checkDriverText(i, "getBytes"); // a driver may hand out a number's binary form
            }
            return scanBytes(i, delegate.getBytes(i));
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, i);
        }
    }

    @Override
    public Reader getCharacterStream(int columnIndex) throws SQLException {
        int i = column(columnIndex);
        try {
            ColumnMask mask = plan.mask(i);
            if (mask != null) {
                String text = masked(i, mask, delegate.getString(i));
                return text == null ? null : new StringReader(text);
            }
            nullState = ASK_DRIVER;
            Reader reader = delegate.getCharacterStream(i);
            return reader == null ? null : new StringReader(scan(i, readAll(reader, i)));
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, i);
        }
    }

    @Override
    public Reader getNCharacterStream(int columnIndex) throws SQLException {
        int i = column(columnIndex);
        try {
            ColumnMask mask = plan.mask(i);
            if (mask != null) {
                String text = masked(i, mask, delegate.getString(i));
                return text == null ? null : new StringReader(text);
            }
            nullState = ASK_DRIVER;
            Reader reader = delegate.getNCharacterStream(i);
            return reader == null ? null : new StringReader(scan(i, readAll(reader, i)));
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, i);
        }
    }

    @Override
    public InputStream getAsciiStream(int columnIndex) throws SQLException {
        int i = column(columnIndex);
        try {
            ColumnMask mask = plan.mask(i);
            if (mask != null) {
                String text = masked(i, mask, delegate.getString(i));
                return text == null ? null : new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
            }
            nullState = ASK_DRIVER;
            InputStream in = delegate.getAsciiStream(i);
            return in == null ? null : new ByteArrayInputStream(scanBytes(i, readAll(in, i)));
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, i);
        }
    }

    @Override
    public InputStream getBinaryStream(int columnIndex) throws SQLException {
        int i = column(columnIndex);
        try {
            ColumnMask mask = plan.mask(i);
            if (mask != null) {
                String text = masked(i, mask, delegate.getString(i));
                return text == null ? null : new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
            }
            nullState = ASK_DRIVER;
            if (plan.isNumeric(i)) {
                checkDriverText(i, "getBinaryStream");
            }
            InputStream in = delegate.getBinaryStream(i);
            return in == null ? null : new ByteArrayInputStream(scanBytes(i, readAll(in, i)));
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, i);
        }
    }

    /**
     * The (masked) text as two-byte big-endian characters, as the JDBC specification defines
     * this stream; built from {@link #getString(int)} so it passes the same masking.
     */
    @Override
    @Deprecated
    public InputStream getUnicodeStream(int columnIndex) throws SQLException {
        String text = getString(columnIndex);
        return text == null ? null : new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_16BE));
    }

    @Override
    public Clob getClob(int columnIndex) throws SQLException {
        return getNClob(columnIndex, "getClob");
    }

    @Override
    public NClob getNClob(int columnIndex) throws SQLException {
        return getNClob(columnIndex, "getNClob");
    }

    private NClob getNClob(int columnIndex, String getter) throws SQLException {
        int i = column(columnIndex);
        try {
            ColumnMask mask = plan.mask(i);
            if (mask != null) {
                String text = masked(i, mask, delegate.getString(i));
                return text == null ? null : new TextLob(text);
            }
            nullState = ASK_DRIVER;
            Clob clob = "getNClob".equals(getter) ? delegate.getNClob(i) : delegate.getClob(i);
            return clob == null ? null : new TextLob(scan(i, readClob(clob, i)));
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, i);
        }
    }

    @Override
    public Blob getBlob(int columnIndex) throws SQLException {
        int i = column(columnIndex);
        try {
            ColumnMask mask = plan.mask(i);
            if (mask != null) {
                String text = masked(i, mask, delegate.getString(i));
                return text == null ? null : new BytesBlob(text.getBytes(StandardCharsets.UTF_8));
            }
            nullState = ASK_DRIVER;
            if (plan.isNumeric(i)) {
                checkDriverText(i, "getBlob");
            }
            Blob blob = delegate.getBlob(i);
            return blob == null ? null : new BytesBlob(scanBytes(i, readBlob(blob, i)));
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, i);
        }
    }

    @Override
    public SQLXML getSQLXML(int columnIndex) throws SQLException {
        int i = column(columnIndex);
        try {
            ColumnMask mask = plan.mask(i);
            if (mask != null) {
                String text = masked(i, mask, delegate.getString(i));
                return text == null ? null : new TextXml(text);
            }
            nullState = ASK_DRIVER;
            SQLXML xml = delegate.getSQLXML(i);
            if (xml == null) {
                return null;
            }
            String text = xml.getString();
            return text == null ? null : new TextXml(scan(i, text));
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, i);
        }
    }

    @Override
    public Array getArray(int columnIndex) throws SQLException {
        int i = column(columnIndex);
        try {
            ColumnMask mask = plan.mask(i);
            nullState = ASK_DRIVER;
            Array array = delegate.getArray(i);
            if (array == null) {
                return null;
            }
            if (mask == null) {
                return screenArray(i, array, "getArray");
            }
            if (mask.strategy() == MaskStrategy.NULL) {
                count(i, mask);
                nullState = WAS_NULL;
                return null;
            }
            Object elements = array.getArray();
            count(i, mask);
            nullState = NOT_NULL;
            return new ListArray(Types.VARCHAR, "VARCHAR", maskElements(mask, elements));
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, i);
        }
    }

    @Override
    public URL getURL(int columnIndex) throws SQLException {
        int i = column(columnIndex);
        try {
            refuseIfMasked(i, "getURL");
            nullState = ASK_DRIVER;
            URL url = delegate.getURL(i);
            if (url != null) {
                String text = url.toString();
                if (scan(i, text) != text) {
                    throw flagged(i, "getURL", "a detector flags part of it, and a URL cannot carry a masked value");
                }
            }
            return url;
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, i);
        }
    }

    // ---------------------------------------------------------------- object getters

    @Override
    public Object getObject(int columnIndex) throws SQLException {
        int i = column(columnIndex);
        try {
            ColumnMask mask = plan.mask(i);
            if (mask != null) {
                return masked(i, mask, delegate.getString(i));
            }
            nullState = ASK_DRIVER;
            if (plan.isJson(i)) {
                String text = delegate.getString(i); // JSON as text, whatever object the driver has for it
                return text == null ? null : scan(i, text);
            }
            return screen(i, delegate.getObject(i), "getObject", false);
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, i);
        }
    }

    @Override
    public Object getObject(int columnIndex, Map<String, Class<?>> map) throws SQLException {
        if (map == null || map.isEmpty()) {
            return getObject(columnIndex);
        }
        int i = column(columnIndex);
        try {
            ColumnMask mask = plan.mask(i);
            if (mask != null) {
                return masked(i, mask, delegate.getString(i));
            }
            nullState = ASK_DRIVER;
            return screen(i, delegate.getObject(i, map), "getObject", false);
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, i);
        }
    }

    @Override
    public <T> T getObject(int columnIndex, Class<T> type) throws SQLException {
        if (type == null) {
            throw new GuardException("getObject(" + columnIndex + ", type): type is null; pass the class to read the"
                    + " column as, e.g. String.class");
        }
        int i = column(columnIndex);
        // Types another getter serves go through that getter, which masks (or refuses) them.
        if (type == String.class || type == CharSequence.class) {
            return type.cast(getString(i));
        }
        if (type == Object.class) {
            return type.cast(getObject(i));
        }
        if (type == byte[].class) {
            return type.cast(getBytes(i));
        }
        if (type == Clob.class || type == NClob.class) {
            return type.cast(getNClob(i, "getClob"));
        }
        if (type == Blob.class) {
            return type.cast(getBlob(i));
        }
        if (type == Array.class) {
            return type.cast(getArray(i));
        }
        if (type == SQLXML.class) {
            return type.cast(getSQLXML(i));
        }
        if (type == Reader.class) {
            return type.cast(getCharacterStream(i));
        }
        if (type == InputStream.class) {
            return type.cast(getBinaryStream(i));
        }
        if (type == URL.class) {
            return type.cast(getURL(i));
        }
        ColumnMask mask = plan.mask(i);
        if (mask != null) {
            throw refusedMasked(i, "getObject(" + columnIndex + ", " + type.getSimpleName() + ".class)", mask);
        }
        try {
            nullState = ASK_DRIVER;
            T value = delegate.getObject(i, type);
            Object screened = screen(i, value, "getObject", true);
            if (screened == value) {
                return value;
            }
            if (type.isInstance(screened)) {
                return type.cast(screened);
            }
            throw flagged(i, "getObject(" + columnIndex + ", " + type.getSimpleName() + ".class)",
                    "a detector flags part of it, and a " + type.getSimpleName() + " cannot carry a masked value");
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, i);
        }
    }

    // ---------------------------------------------------------------- typed getters

    @Override
    public boolean getBoolean(int columnIndex) throws SQLException {
        int i = column(columnIndex);
        try {
            refuseIfMasked(i, "getBoolean");
            nullState = ASK_DRIVER;
            return delegate.getBoolean(i);
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, i);
        }
    }

    @Override
    public byte getByte(int columnIndex) throws SQLException {
        int i = column(columnIndex);
        try {
            refuseIfMasked(i, "getByte");
            nullState = ASK_DRIVER;
            return delegate.getByte(i);
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, i);
        }
    }

    @Override
    public short getShort(int columnIndex) throws SQLException {
        int i = column(columnIndex);
        try {
            refuseIfMasked(i, "getShort");
            nullState = ASK_DRIVER;
            return delegate.getShort(i);
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, i);
        }
    }

    @Override
    public int getInt(int columnIndex) throws SQLException {
        int i = column(columnIndex);
        try {
            refuseIfMasked(i, "getInt");
            nullState = ASK_DRIVER;
            return delegate.getInt(i); // ten digits at most: never a card number
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, i);
        }
    }

    @Override
    public long getLong(int columnIndex) throws SQLException {
        int i = column(columnIndex);
        try {
            refuseIfMasked(i, "getLong");
            nullState = ASK_DRIVER;
            long value = delegate.getLong(i);
            if (value >= SMALLEST_PAN_SIZED || value <= -SMALLEST_PAN_SIZED) {
                checkNumber(i, value, "getLong");
            }
            return value;
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, i);
        }
    }

    @Override
    public float getFloat(int columnIndex) throws SQLException {
        int i = column(columnIndex);
        try {
            refuseIfMasked(i, "getFloat");
            nullState = ASK_DRIVER;
            float value = delegate.getFloat(i);
            if (Math.abs(value) >= SMALLEST_PAN_SIZED) {
                checkDriverText(i, "getFloat"); // the leading digits of a card number survive in a float
            }
            return value;
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, i);
        }
    }

    @Override
    public double getDouble(int columnIndex) throws SQLException {
        int i = column(columnIndex);
        try {
            refuseIfMasked(i, "getDouble");
            nullState = ASK_DRIVER;
            double value = delegate.getDouble(i);
            if (Math.abs(value) >= SMALLEST_PAN_SIZED) {
                checkDriverText(i, "getDouble"); // a double rounds a 19-digit card number: judge the exact text
            }
            return value;
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, i);
        }
    }

    @Override
    public BigDecimal getBigDecimal(int columnIndex) throws SQLException {
        int i = column(columnIndex);
        try {
            refuseIfMasked(i, "getBigDecimal");
            nullState = ASK_DRIVER;
            BigDecimal value = delegate.getBigDecimal(i);
            if (value != null) {
                checkNumber(i, value, "getBigDecimal");
            }
            return value;
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, i);
        }
    }

    @Override
    @Deprecated
    public BigDecimal getBigDecimal(int columnIndex, int scale) throws SQLException {
        int i = column(columnIndex);
        try {
            refuseIfMasked(i, "getBigDecimal");
            nullState = ASK_DRIVER;
            BigDecimal value = delegate.getBigDecimal(i, scale);
            if (value != null) {
                checkNumber(i, value, "getBigDecimal");
            }
            return value;
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, i);
        }
    }

    @Override
    public Date getDate(int columnIndex) throws SQLException {
        int i = column(columnIndex);
        try {
            refuseIfMasked(i, "getDate");
            nullState = ASK_DRIVER;
            return delegate.getDate(i);
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, i);
        }
    }

    @Override
    public Date getDate(int columnIndex, Calendar cal) throws SQLException {
        int i = column(columnIndex);
        try {
            refuseIfMasked(i, "getDate");
            nullState = ASK_DRIVER;
            return delegate.getDate(i, cal);
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, i);
        }
    }

    @Override
    public Time getTime(int columnIndex) throws SQLException {
        int i = column(columnIndex);
        try {
            refuseIfMasked(i, "getTime");
            nullState = ASK_DRIVER;
            return delegate.getTime(i);
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, i);
        }
    }

    @Override
    public Time getTime(int columnIndex, Calendar cal) throws SQLException {
        int i = column(columnIndex);
        try {
            refuseIfMasked(i, "getTime");
            nullState = ASK_DRIVER;
            return delegate.getTime(i, cal);
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, i);
        }
    }

    @Override
    public Timestamp getTimestamp(int columnIndex) throws SQLException {
        int i = column(columnIndex);
        try {
            refuseIfMasked(i, "getTimestamp");
            nullState = ASK_DRIVER;
            return delegate.getTimestamp(i);
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, i);
        }
    }

    @Override
    public Timestamp getTimestamp(int columnIndex, Calendar cal) throws SQLException {
        int i = column(columnIndex);
        try {
            refuseIfMasked(i, "getTimestamp");
            nullState = ASK_DRIVER;
            return delegate.getTimestamp(i, cal);
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, i);
        }
    }

    @Override
    public RowId getRowId(int columnIndex) throws SQLException {
        int i = column(columnIndex);
        try {
            refuseIfMasked(i, "getRowId");
            nullState = ASK_DRIVER;
            return delegate.getRowId(i);
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, i);
        }
    }

    /** Refused: a {@link Ref} reads the referenced value from the database, around the masking. */
    @Override
    public Ref getRef(int columnIndex) throws SQLException {
        int i = column(columnIndex);
        throw new GuardException("getRef refused on column \"" + plan.label(i) + "\" (index " + i + "): a REF reads the"
                + " referenced value from the database without masking; select the referenced columns instead",
                MASKED_SQL_STATE);
    }

    @Override
    public boolean wasNull() throws SQLException {
        try {
            if (nullState == WAS_NULL) {
                return true;
            }
            if (nullState == NOT_NULL) {
                return false;
            }
            return delegate.wasNull();
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, 0);
        }
    }

    // ---------------------------------------------------------------- getters by label

    /** The driver's answer, so labels match as the agent's driver matches them (case, duplicates). */
    @Override
    public int findColumn(String columnLabel) throws SQLException {
        refuseIfClosed();
        try {
            return delegate.findColumn(columnLabel);
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, 0);
        }
    }

    @Override
    public String getString(String columnLabel) throws SQLException {
        return getString(findColumn(columnLabel));
    }

    @Override
    public String getNString(String columnLabel) throws SQLException {
        return getNString(findColumn(columnLabel));
    }

    @Override
    public boolean getBoolean(String columnLabel) throws SQLException {
        return getBoolean(findColumn(columnLabel));
    }

    @Override
    public byte getByte(String columnLabel) throws SQLException {
        return getByte(findColumn(columnLabel));
    }

    @Override
    public short getShort(String columnLabel) throws SQLException {
        return getShort(findColumn(columnLabel));
    }

    @Override
    public int getInt(String columnLabel) throws SQLException {
        return getInt(findColumn(columnLabel));
    }

    @Override
    public long getLong(String columnLabel) throws SQLException {
        return getLong(findColumn(columnLabel));
    }

    @Override
    public float getFloat(String columnLabel) throws SQLException {
        return getFloat(findColumn(columnLabel));
    }

    @Override
    public double getDouble(String columnLabel) throws SQLException {
        return getDouble(findColumn(columnLabel));
    }

    @Override
    @Deprecated
    public BigDecimal getBigDecimal(String columnLabel, int scale) throws SQLException {
        return getBigDecimal(findColumn(columnLabel), scale);
    }

    @Override
    public BigDecimal getBigDecimal(String columnLabel) throws SQLException {
        return getBigDecimal(findColumn(columnLabel));
    }

    @Override
    public byte[] getBytes(String columnLabel) throws SQLException {
        return getBytes(findColumn(columnLabel));
    }

    @Override
    public Date getDate(String columnLabel) throws SQLException {
        return getDate(findColumn(columnLabel));
    }

    @Override
    public Date getDate(String columnLabel, Calendar cal) throws SQLException {
        return getDate(findColumn(columnLabel), cal);
    }

    @Override
    public Time getTime(String columnLabel) throws SQLException {
        return getTime(findColumn(columnLabel));
    }

    @Override
    public Time getTime(String columnLabel, Calendar cal) throws SQLException {
        return getTime(findColumn(columnLabel), cal);
    }

    @Override
    public Timestamp getTimestamp(String columnLabel) throws SQLException {
        return getTimestamp(findColumn(columnLabel));
    }

    @Override
    public Timestamp getTimestamp(String columnLabel, Calendar cal) throws SQLException {
        return getTimestamp(findColumn(columnLabel), cal);
    }

    @Override
    public InputStream getAsciiStream(String columnLabel) throws SQLException {
        return getAsciiStream(findColumn(columnLabel));
    }

    @Override
    @Deprecated
    public InputStream getUnicodeStream(String columnLabel) throws SQLException {
        return getUnicodeStream(findColumn(columnLabel));
    }

    @Override
    public InputStream getBinaryStream(String columnLabel) throws SQLException {
        return getBinaryStream(findColumn(columnLabel));
    }

    @Override
    public Reader getCharacterStream(String columnLabel) throws SQLException {
        return getCharacterStream(findColumn(columnLabel));
    }

    @Override
    public Reader getNCharacterStream(String columnLabel) throws SQLException {
        return getNCharacterStream(findColumn(columnLabel));
    }

    @Override
    public Object getObject(String columnLabel) throws SQLException {
        return getObject(findColumn(columnLabel));
    }

    @Override
    public Object getObject(String columnLabel, Map<String, Class<?>> map) throws SQLException {
        return getObject(findColumn(columnLabel), map);
    }

    @Override
    public <T> T getObject(String columnLabel, Class<T> type) throws SQLException {
        return getObject(findColumn(columnLabel), type);
    }

    @Override
    public Ref getRef(String columnLabel) throws SQLException {
        return getRef(findColumn(columnLabel));
    }

    @Override
    public Blob getBlob(String columnLabel) throws SQLException {
        return getBlob(findColumn(columnLabel));
    }

    @Override
    public Clob getClob(String columnLabel) throws SQLException {
        return getClob(findColumn(columnLabel));
    }

    @Override
    public NClob getNClob(String columnLabel) throws SQLException {
        return getNClob(findColumn(columnLabel));
    }

    @Override
    public Array getArray(String columnLabel) throws SQLException {
        return getArray(findColumn(columnLabel));
    }

    @Override
    public URL getURL(String columnLabel) throws SQLException {
        return getURL(findColumn(columnLabel));
    }

    @Override
    public RowId getRowId(String columnLabel) throws SQLException {
        return getRowId(findColumn(columnLabel));
    }

    @Override
    public SQLXML getSQLXML(String columnLabel) throws SQLException {
        return getSQLXML(findColumn(columnLabel));
    }

    // ---------------------------------------------------------------- masking

    /** Checks the index and that the cursor is on a row the agent may read. */
    private int column(int columnIndex) throws SQLException {
        refuseIfClosed();
        int columns = plan.columnCount();
        if (columnIndex < 1 || columnIndex > columns) {
            throw new GuardException("column index " + columnIndex + " is out of range: this result has " + columns
                    + " columns, numbered from 1", "07009");
        }
        onRow();
        return columnIndex;
    }

    /** Checked here, not left to the driver: a closed result set's counts belong to a run that has ended. */
    private void refuseIfClosed() throws SQLException {
        if (closed) {
            throw new GuardException("the result set is closed: run the statement again for a new one", "24000");
        }
    }

    /** With a row limit the driver may stand on a row past it (looked at to journal the limit): refuse to read it. */
    private void onRow() throws SQLException {
        if (past) {
            throw new GuardException(limitHit
                    ? "no current row: the cursor is past row " + limit + ", the policy's row limit for this result"
                    : "no current row: the cursor is after the last row", "24000");
        }
    }

    /** A value of a column with a rule: only its masked form leaves. */
    private String masked(int i, ColumnMask mask, String raw) {
        if (raw == null) {
            nullState = WAS_NULL;
            return null;
        }
        String out = mask.mask(raw);
        count(i, mask);
        nullState = out == null ? WAS_NULL : NOT_NULL;
        return out;
    }

    private void count(int i, ColumnMask mask) {
        if (!counted(i)) {
            markCounted(i);
            counts()[i]++;
        }
    }

    /** Whether column {@code i}'s value at the current position was counted already. */
    private boolean counted(int i) {
        if (i < 64) {
            return (countedBits & (1L << i)) != 0;
        }
        return countedWide != null && (countedWide[i >>> 6] & (1L << i)) != 0;
    }

    private void markCounted(int i) {
        if (i < 64) {
            countedBits |= 1L << i;
            return;
        }
        if (countedWide == null) {
            countedWide = new long[(plan.columnCount() >>> 6) + 1];
        }
        countedWide[i >>> 6] |= 1L << i;
    }

    private long[] counts() {
        long[] c = maskedCounts;
        if (c == null) {
            c = maskedCounts = new long[plan.columnCount() + 1];
        }
        return c;
    }

    /** A text value of a column without a rule, through the detectors; the same instance when nothing matched. */
    private String scan(int i, String text) {
        Masker masker = plan.masker();
        if (counted(i)) {
            return masker.maskText(text, null); // already counted at this row
        }
        MaskTally tally = scanTally;
        if (tally == null) {
            // Most text has no hit: scan without a tally, and count a hit by scanning it again with one.
            String out = masker.maskText(text, null);
            if (out == text) {
                return out;
            }
            tally = scanTally = new MaskTally();
        }
        long before = tally.total();
        String out = masker.maskText(text, plan.label(i), tally);
        long hits = tally.total() - before;
        if (hits != 0) {
            markCounted(i);
            counts()[i] += hits;
        }
        return out;
    }

    /**
     * Bytes through the detectors, read as ISO-8859-1 so every byte is one character and ASCII
     * text (also inside UTF-8) is found; the same array when nothing matched.
     */
    private byte[] scanBytes(int i, byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return bytes;
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        String out = scan(i, text);
        return out == text ? bytes : out.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * What {@code getObject} may hand out for a driver value of a column without a rule. Text is
     * scanned; a number the detectors flag (a card number in a BIGINT) is served as its masked
     * text; LOBs, arrays and XML become masked copies; values that cannot hold text pass; anything
     * else (JSON, driver objects) is served as its masked text. With {@code keepType} (a typed
     * {@code getObject}) a value the detectors do not flag is returned as the driver's object, and
     * a flagged number is refused rather than retyped.
     */
    private Object screen(int i, Object value, String getter, boolean keepType) throws SQLException {
        if (value == null) {
            return null;
        }
        if (value instanceof String) {
            return scan(i, (String) value);
        }
        if (value instanceof Double || value instanceof Float) {
            if (Math.abs(((Number) value).doubleValue()) >= SMALLEST_PAN_SIZED) {
                // a floating-point value rounds a long card number: judge the driver's exact text
                String text = delegate.getString(i);
                String masked = text == null ? text : scan(i, text);
                if (masked != text) {
                    if (keepType) {
                        throw refusedNumber(i, getter);
                    }
                    return masked;
                }
            }
            return value;
        }
        if (value instanceof Number) {
            String masked = flaggedNumber(i, (Number) value);
            if (masked != null && keepType) {
                throw refusedNumber(i, getter);
            }
            return masked == null ? value : masked;
        }
        if (isPlainValue(value)) {
            return value;
        }
        if (value instanceof byte[]) {
            return scanBytes(i, (byte[]) value);
        }
        if (value instanceof Clob) {
            return new TextLob(scan(i, readClob((Clob) value, i)));
        }
        if (value instanceof Blob) {
            return new BytesBlob(scanBytes(i, readBlob((Blob) value, i)));
        }
        if (value instanceof Array) {
            return screenArray(i, (Array) value, getter);
        }
        if (value instanceof SQLXML) {
            String text = ((SQLXML) value).getString();
            return text == null ? null : new TextXml(scan(i, text));
        }
        if (value.getClass().isArray()) {
            return screenElements(i, value, getter);
        }
        if (value instanceof Struct || value instanceof Ref || value instanceof ResultSet) {
            throw unsupported(i, getter, value);
        }
        String text = delegate.getString(i);
        if (text == null) {
            return null;
        }
        String out = scan(i, text);
        return keepType && out == text ? value : out;
    }

    /** One element of an array of a column without a rule; unknown element types become their masked text. */
    private Object screenElement(int i, Object element, String getter) throws SQLException {
        if (element == null || isPlainValue(element)) {
            return element;
        }
        if (element instanceof Number) {
            String masked = flaggedNumber(i, (Number) element);
            return masked == null ? element : masked;
        }
        if (element instanceof String) {
            return scan(i, (String) element);
        }
        if (element instanceof byte[]) {
            return scanBytes(i, (byte[]) element);
        }
        if (element.getClass().isArray()) {
            return screenElements(i, element, getter);
        }
        if (element instanceof Array) {
            return screenArray(i, (Array) element, getter);
        }
        if (element instanceof Clob) {
            return new TextLob(scan(i, readClob((Clob) element, i)));
        }
        if (element instanceof Blob) {
            return new BytesBlob(scanBytes(i, readBlob((Blob) element, i)));
        }
        if (element instanceof Struct || element instanceof Ref || element instanceof ResultSet
                || element instanceof SQLXML) {
            throw unsupported(i, getter, element);
        }
        return scan(i, String.valueOf(element));
    }

    private Array screenArray(int i, Array array, String getter) throws SQLException {
        Object elements = array.getArray();
        return new ListArray(array.getBaseType(), array.getBaseTypeName(), screenElements(i, elements, getter));
    }

    /**
     * A copy of a Java array with every element screened. The copy keeps the component type
     * unless masking turned an element into text the type cannot hold; then it is an {@code Object[]}.
     */
    private Object screenElements(int i, Object elements, String getter) throws SQLException {
        if (elements == null) {
            return null;
        }
        Class<?> component = elements.getClass().getComponentType();
        if (component == byte.class) {
            return scanBytes(i, ((byte[]) elements).clone());
        }
        int n = java.lang.reflect.Array.getLength(elements);
        Object[] screened = new Object[n];
        boolean changed = false;
        boolean fits = true;
        for (int k = 0; k < n; k++) {
            Object element = java.lang.reflect.Array.get(elements, k);
            screened[k] = screenElement(i, element, getter);
            changed |= screened[k] != element;
            fits &= screened[k] == null || component.isInstance(screened[k]);
        }
        if (!changed) {
            return copyRange(elements, 0, n);
        }
        if (!fits || component.isPrimitive() || component == Object.class) {
            return screened;
        }
        Object typed = java.lang.reflect.Array.newInstance(component, n);
        System.arraycopy(screened, 0, typed, 0, n);
        return typed;
    }

    /** The elements of an array in a column with a rule, each masked; nested arrays stay nested. */
    private static Object[] maskElements(ColumnMask mask, Object elements) {
        if (elements == null) {
            return null;
        }
        if (!elements.getClass().isArray()) {
            return new String[] {mask.mask(String.valueOf(elements))};
        }
        int n = java.lang.reflect.Array.getLength(elements);
        Object[] out = new String[n];
        for (int k = 0; k < n; k++) {
            Object e = java.lang.reflect.Array.get(elements, k);
            if (e != null && e.getClass().isArray()) {
                if (out.getClass() == String[].class) {
                    Object[] widened = new Object[n];
                    System.arraycopy(out, 0, widened, 0, k);
                    out = widened;
                }
                out[k] = maskElements(mask, e);
            } else {
                out[k] = e == null ? null : mask.mask(String.valueOf(e));
            }
        }
        return out;
    }

    /** Values whose text form is structured and cannot carry a card number or other free text. */
    private static boolean isPlainValue(Object value) {
        return value instanceof Boolean || value instanceof java.util.Date || value instanceof TemporalAccessor
                || value instanceof Duration || value instanceof Period || value instanceof UUID
                || value instanceof RowId || value instanceof Character;
    }

    /**
     * The masked text of a number the detectors flag (a card number stored as BIGINT or
     * DECIMAL), or null when it passes. Only numbers of card-number size are looked at, so the
     * common case costs a comparison.
     */
    private String flaggedNumber(int i, Number value) {
        String text = panSizedText(value);
        if (text == null) {
            return null;
        }
        String out = scan(i, text);
        return out == text ? null : out;
    }

    /** A typed read of a number: refused when the detectors flag the driver's text of the value. */
    private void checkDriverText(int i, String getter) throws SQLException {
        String text = delegate.getString(i);
        if (text != null && scan(i, text) != text) {
            throw refusedNumber(i, getter);
        }
    }

    /** A typed read of a number: refused when the detectors flag it, since a number cannot carry a mask. */
    private void checkNumber(int i, Number value, String getter) throws SQLException {
        if (flaggedNumber(i, value) != null) {
            throw refusedNumber(i, getter);
        }
    }

    /** The plain decimal text of a number with at least 12 integer digits (a card number's least), else null. */
    private static String panSizedText(Number value) {
        if (value instanceof Long) {
            long v = value.longValue();
            return v >= SMALLEST_PAN_SIZED || v <= -SMALLEST_PAN_SIZED ? Long.toString(v) : null;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return null; // ten digits at most
        }
        if (value instanceof BigDecimal) {
            BigDecimal d = (BigDecimal) value;
            return d.signum() != 0 && d.precision() - d.scale() >= 12 ? d.toPlainString() : null;
        }
        if (value instanceof Double || value instanceof Float) {
            double v = Math.abs(value.doubleValue());
            return v >= SMALLEST_PAN_SIZED && !Double.isInfinite(v) ? BigDecimal.valueOf(v).toPlainString() : null;
        }
        if (value instanceof BigInteger) {
            BigInteger b = ((BigInteger) value).abs();
            return b.compareTo(BigInteger.valueOf(SMALLEST_PAN_SIZED)) >= 0 ? b.toString() : null;
        }
        String text = value.toString();
        return text.length() >= 12 ? text : null;
    }

    private void refuseIfMasked(int i, String getter) throws SQLException {
        ColumnMask mask = plan.mask(i);
        if (mask != null) {
            throw refusedMasked(i, getter, mask);
        }
    }

    private SQLException refusedMasked(int i, String getter, ColumnMask mask) {
        return new GuardException(getter + " refused on column \"" + plan.label(i) + "\" (index " + i
                + "): it is masked by rule \"" + mask.ruleId() + "\", so only its masked text can be read;"
                + " use getString or getObject", MASKED_SQL_STATE);
    }

    private SQLException refusedNumber(int i, String getter) {
        return flagged(i, getter, "the masking detectors flag its value, and a number cannot carry a masked value");
    }

    private SQLException flagged(int i, String getter, String why) {
        return new GuardException(getter + " refused on column \"" + plan.label(i) + "\" (index " + i + "): " + why
                + "; use getString to read the masked text", MASKED_SQL_STATE);
    }

    private SQLException unsupported(int i, String getter, Object value) {
        String kind = value instanceof Struct ? "a STRUCT" : value instanceof Ref ? "a REF"
                : value instanceof ResultSet ? "a cursor (a nested result set)" : "an XML value inside an array";
        return new GuardException(getter + " refused on column \"" + plan.label(i) + "\" (index " + i + "): it holds "
                + kind + ", which cannot be masked; select its parts as columns instead", MASKED_SQL_STATE);
    }

    private String readAll(Reader reader, int i) throws SQLException {
        try (Reader r = reader) {
            StringBuilder out = new StringBuilder();
            char[] buffer = new char[8192];
            int n;
            while ((n = r.read(buffer)) >= 0) {
                out.append(buffer, 0, n);
            }
            return out.toString();
        } catch (IOException e) {
            throw readFailed(i, e);
        }
    }

    private byte[] readAll(InputStream in, int i) throws SQLException {
        try (InputStream s = in) {
            return s.readAllBytes();
        } catch (IOException e) {
            throw readFailed(i, e);
        }
    }

    private String readClob(Clob clob, int i) throws SQLException {
        Reader reader = clob.getCharacterStream();
        return reader == null ? "" : readAll(reader, i);
    }

    private byte[] readBlob(Blob blob, int i) throws SQLException {
        InputStream in = blob.getBinaryStream();
        return in == null ? new byte[0] : readAll(in, i);
    }

    private SQLException readFailed(int i, IOException e) {
        return new GuardException("reading the value of column \"" + plan.label(i) + "\" (index " + i + ") failed with "
                + e.getClass().getName(), "58030", e);
    }

    // ---------------------------------------------------------------- the result set itself

    /** The guarded statement that produced this result set, or null for a {@code DatabaseMetaData} result. */
    @Override
    public Statement getStatement() {
        return owner;
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        try {
            if (metaData == null) {
                metaData = new MaskedMetaData(delegate.getMetaData(), plan);
            }
            return metaData;
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, 0);
        }
    }

    /** Tells the listener, once, how many rows were read, whether the limit cut the result, and what was masked. */
    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            delegate.close();
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, 0);
        } finally {
            listener.closed(rowsRead, limitHit, plan, maskedCounts);
        }
    }

    @Override
    public boolean isClosed() throws SQLException {
        try {
            return closed || delegate.isClosed();
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, 0);
        }
    }

    /** The driver's warnings, copied with their messages masked by the detectors. */
    @Override
    public SQLWarning getWarnings() throws SQLException {
        try {
            return plan.errors().forAgent(delegate.getWarnings());
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, 0);
        }
    }

    @Override
    public void clearWarnings() throws SQLException {
        try {
            delegate.clearWarnings();
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, 0);
        }
    }

    @Override
    public String getCursorName() throws SQLException {
        try {
            return delegate.getCursorName();
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, 0);
        }
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        try {
            delegate.setFetchDirection(direction);
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, 0);
        }
    }

    @Override
    public int getFetchDirection() throws SQLException {
        try {
            return delegate.getFetchDirection();
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, 0);
        }
    }

    @Override
    public void setFetchSize(int rows) throws SQLException {
        try {
            delegate.setFetchSize(rows);
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, 0);
        }
    }

    @Override
    public int getFetchSize() throws SQLException {
        try {
            return delegate.getFetchSize();
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, 0);
        }
    }

    @Override
    public int getType() throws SQLException {
        try {
            return delegate.getType();
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, 0);
        }
    }

    /** Always read-only: rows cannot be changed through a guarded result set. */
    @Override
    public int getConcurrency() {
        return CONCUR_READ_ONLY;
    }

    @Override
    public int getHoldability() throws SQLException {
        try {
            return delegate.getHoldability();
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, 0);
        }
    }

    @Override
    public boolean rowUpdated() throws SQLException {
        try {
            return delegate.rowUpdated();
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, 0);
        }
    }

    @Override
    public boolean rowInserted() throws SQLException {
        try {
            return delegate.rowInserted();
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, 0);
        }
    }

    @Override
    public boolean rowDeleted() throws SQLException {
        try {
            return delegate.rowDeleted();
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, 0);
        }
    }

    @Override
    public void refreshRow() throws SQLException {
        try {
            onRow();
            delegate.refreshRow();
            moved();
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, 0);
        }
    }

    @Override
    public void cancelRowUpdates() throws SQLException {
        try {
            delegate.cancelRowUpdates();
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, 0);
        }
    }

    @Override
    public void moveToInsertRow() throws SQLException {
        throw refusedChange("moveToInsertRow");
    }

    @Override
    public void moveToCurrentRow() throws SQLException {
        try {
            delegate.moveToCurrentRow();
        } catch (SQLException | RuntimeException e) {
            throw driverError(e, 0);
        }
    }

    @Override
    public void insertRow() throws SQLException {
        throw refusedChange("insertRow");
    }

    @Override
    public void updateRow() throws SQLException {
        throw refusedChange("updateRow");
    }

    @Override
    public void deleteRow() throws SQLException {
        throw refusedChange("deleteRow");
    }

    /** Only this guarded result set itself; the driver's is never handed out. */
    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface != null && iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new GuardException("unwrap(" + (iface == null ? "null" : iface.getName()) + ") is refused: a guarded"
                + " result set hands out no driver object, whose values would not be masked; use the ResultSet"
                + " methods", MASKED_SQL_STATE);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface != null && iface.isInstance(this);
    }

    // ---------------------------------------------------------------- changes: refused

    private SQLException refusedChange(String method) {
        return new GuardException(method + " refused: changing rows through a result set would reach the database"
                + " without the policy and the audit journal; run an UPDATE, INSERT or DELETE statement instead",
                MASKED_SQL_STATE);
    }

    private SQLException refusedUpdate(String method, int columnIndex) {
        if (columnIndex >= 1 && columnIndex <= plan.columnCount() && plan.mask(columnIndex) != null) {
            return new GuardException(method + " refused on column \"" + plan.label(columnIndex) + "\" (index "
                    + columnIndex + "): it is masked by rule \"" + plan.mask(columnIndex).ruleId()
                    + "\", and changing rows through a result set would bypass the policy and the audit journal;"
                    + " run an UPDATE statement instead", MASKED_SQL_STATE);
        }
        return refusedChange(method);
    }

    private SQLException refusedUpdate(String method, String columnLabel) throws SQLException {
        return refusedUpdate(method, findColumn(columnLabel));
    }

    @Override
    public void updateNull(int columnIndex) throws SQLException {
        throw refusedUpdate("updateNull", columnIndex);
    }

    @Override
    public void updateBoolean(int columnIndex, boolean x) throws SQLException {
        throw refusedUpdate("updateBoolean", columnIndex);
    }

    @Override
    public void updateByte(int columnIndex, byte x) throws SQLException {
        throw refusedUpdate("updateByte", columnIndex);
    }

    @Override
    public void updateShort(int columnIndex, short x) throws SQLException {
        throw refusedUpdate("updateShort", columnIndex);
    }

    @Override
    public void updateInt(int columnIndex, int x) throws SQLException {
        throw refusedUpdate("updateInt", columnIndex);
    }

    @Override
    public void updateLong(int columnIndex, long x) throws SQLException {
        throw refusedUpdate("updateLong", columnIndex);
    }

    @Override
    public void updateFloat(int columnIndex, float x) throws SQLException {
        throw refusedUpdate("updateFloat", columnIndex);
    }

    @Override
    public void updateDouble(int columnIndex, double x) throws SQLException {
        throw refusedUpdate("updateDouble", columnIndex);
    }

    @Override
    public void updateBigDecimal(int columnIndex, BigDecimal x) throws SQLException {
        throw refusedUpdate("updateBigDecimal", columnIndex);
    }

    @Override
    public void updateString(int columnIndex, String x) throws SQLException {
        throw refusedUpdate("updateString", columnIndex);
    }

    @Override
    public void updateBytes(int columnIndex, byte[] x) throws SQLException {
        throw refusedUpdate("updateBytes", columnIndex);
    }

    @Override
    public void updateDate(int columnIndex, Date x) throws SQLException {
        throw refusedUpdate("updateDate", columnIndex);
    }

    @Override
    public void updateTime(int columnIndex, Time x) throws SQLException {
        throw refusedUpdate("updateTime", columnIndex);
    }

    @Override
    public void updateTimestamp(int columnIndex, Timestamp x) throws SQLException {
        throw refusedUpdate("updateTimestamp", columnIndex);
    }

    @Override
    public void updateAsciiStream(int columnIndex, InputStream x, int length) throws SQLException {
        throw refusedUpdate("updateAsciiStream", columnIndex);
    }

    @Override
    public void updateBinaryStream(int columnIndex, InputStream x, int length) throws SQLException {
        throw refusedUpdate("updateBinaryStream", columnIndex);
    }

    @Override
    public void updateCharacterStream(int columnIndex, Reader x, int length) throws SQLException {
        throw refusedUpdate("updateCharacterStream", columnIndex);
    }

    @Override
    public void updateObject(int columnIndex, Object x, int scaleOrLength) throws SQLException {
        throw refusedUpdate("updateObject", columnIndex);
    }

    @Override
    public void updateObject(int columnIndex, Object x) throws SQLException {
        throw refusedUpdate("updateObject", columnIndex);
    }

    @Override
    public void updateObject(int columnIndex, Object x, SQLType targetSqlType, int scaleOrLength)
            throws SQLException {
        throw refusedUpdate("updateObject", columnIndex);
    }

    @Override
    public void updateObject(int columnIndex, Object x, SQLType targetSqlType) throws SQLException {
        throw refusedUpdate("updateObject", columnIndex);
    }

    @Override
    public void updateRef(int columnIndex, Ref x) throws SQLException {
        throw refusedUpdate("updateRef", columnIndex);
    }

    @Override
    public void updateBlob(int columnIndex, Blob x) throws SQLException {
        throw refusedUpdate("updateBlob", columnIndex);
    }

    @Override
    public void updateClob(int columnIndex, Clob x) throws SQLException {
        throw refusedUpdate("updateClob", columnIndex);
    }

    @Override
    public void updateArray(int columnIndex, Array x) throws SQLException {
        throw refusedUpdate("updateArray", columnIndex);
    }

    @Override
    public void updateRowId(int columnIndex, RowId x) throws SQLException {
        throw refusedUpdate("updateRowId", columnIndex);
    }

    @Override
    public void updateNString(int columnIndex, String nString) throws SQLException {
        throw refusedUpdate("updateNString", columnIndex);
    }

    @Override
    public void updateNClob(int columnIndex, NClob nClob) throws SQLException {
        throw refusedUpdate("updateNClob", columnIndex);
    }

    @Override
    public void updateSQLXML(int columnIndex, SQLXML xmlObject) throws SQLException {
        throw refusedUpdate("updateSQLXML", columnIndex);
    }

    @Override
    public void updateNCharacterStream(int columnIndex, Reader x, long length) throws SQLException {
        throw refusedUpdate("updateNCharacterStream", columnIndex);
    }

    @Override
    public void updateAsciiStream(int columnIndex, InputStream x, long length) throws SQLException {
        throw refusedUpdate("updateAsciiStream", columnIndex);
    }

    @Override
    public void updateBinaryStream(int columnIndex, InputStream x, long length) throws SQLException {
        throw refusedUpdate("updateBinaryStream", columnIndex);
    }

    @Override
    public void updateCharacterStream(int columnIndex, Reader x, long length) throws SQLException {
        throw refusedUpdate("updateCharacterStream", columnIndex);
    }

    @Override
    public void updateBlob(int columnIndex, InputStream inputStream, long length) throws SQLException {
        throw refusedUpdate("updateBlob", columnIndex);
    }

    @Override
    public void updateClob(int columnIndex, Reader reader, long length) throws SQLException {
        throw refusedUpdate("updateClob", columnIndex);
    }

    @Override
    public void updateNClob(int columnIndex, Reader reader, long length) throws SQLException {
        throw refusedUpdate("updateNClob", columnIndex);
    }

    @Override
    public void updateNCharacterStream(int columnIndex, Reader x) throws SQLException {
        throw refusedUpdate("updateNCharacterStream", columnIndex);
    }

    @Override
    public void updateAsciiStream(int columnIndex, InputStream x) throws SQLException {
        throw refusedUpdate("updateAsciiStream", columnIndex);
    }

    @Override
    public void updateBinaryStream(int columnIndex, InputStream x) throws SQLException {
        throw refusedUpdate("updateBinaryStream", columnIndex);
    }

    @Override
    public void updateCharacterStream(int columnIndex, Reader x) throws SQLException {
        throw refusedUpdate("updateCharacterStream", columnIndex);
    }

    @Override
    public void updateBlob(int columnIndex, InputStream inputStream) throws SQLException {
        throw refusedUpdate("updateBlob", columnIndex);
    }

    @Override
    public void updateClob(int columnIndex, Reader reader) throws SQLException {
        throw refusedUpdate("updateClob", columnIndex);
    }

    @Override
    public void updateNClob(int columnIndex, Reader reader) throws SQLException {
        throw refusedUpdate("updateNClob", columnIndex);
    }

    @Override
    public void updateNull(String columnLabel) throws SQLException {
        throw refusedUpdate("updateNull", columnLabel);
    }

    @Override
    public void updateBoolean(String columnLabel, boolean x) throws SQLException {
        throw refusedUpdate("updateBoolean", columnLabel);
    }

    @Override
    public void updateByte(String columnLabel, byte x) throws SQLException {
        throw refusedUpdate("updateByte", columnLabel);
    }

    @Override
    public void updateShort(String columnLabel, short x) throws SQLException {
        throw refusedUpdate("updateShort", columnLabel);
    }

    @Override
    public void updateInt(String columnLabel, int x) throws SQLException {
        throw refusedUpdate("updateInt", columnLabel);
    }

    @Override
    public void updateLong(String columnLabel, long x) throws SQLException {
        throw refusedUpdate("updateLong", columnLabel);
    }

    @Override
    public void updateFloat(String columnLabel, float x) throws SQLException {
        throw refusedUpdate("updateFloat", columnLabel);
    }

    @Override
    public void updateDouble(String columnLabel, double x) throws SQLException {
        throw refusedUpdate("updateDouble", columnLabel);
    }

    @Override
    public void updateBigDecimal(String columnLabel, BigDecimal x) throws SQLException {
        throw refusedUpdate("updateBigDecimal", columnLabel);
    }

    @Override
    public void updateString(String columnLabel, String x) throws SQLException {
        throw refusedUpdate("updateString", columnLabel);
    }

    @Override
    public void updateBytes(String columnLabel, byte[] x) throws SQLException {
        throw refusedUpdate("updateBytes", columnLabel);
    }

    @Override
    public void updateDate(String columnLabel, Date x) throws SQLException {
        throw refusedUpdate("updateDate", columnLabel);
    }

    @Override
    public void updateTime(String columnLabel, Time x) throws SQLException {
        throw refusedUpdate("updateTime", columnLabel);
    }

    @Override
    public void updateTimestamp(String columnLabel, Timestamp x) throws SQLException {
        throw refusedUpdate("updateTimestamp", columnLabel);
    }

    @Override
    public void updateAsciiStream(String columnLabel, InputStream x, int length) throws SQLException {
        throw refusedUpdate("updateAsciiStream", columnLabel);
    }

    @Override
    public void updateBinaryStream(String columnLabel, InputStream x, int length) throws SQLException {
        throw refusedUpdate("updateBinaryStream", columnLabel);
    }

    @Override
    public void updateCharacterStream(String columnLabel, Reader reader, int length) throws SQLException {
        throw refusedUpdate("updateCharacterStream", columnLabel);
    }

    @Override
    public void updateObject(String columnLabel, Object x, int scaleOrLength) throws SQLException {
        throw refusedUpdate("updateObject", columnLabel);
    }

    @Override
    public void updateObject(String columnLabel, Object x) throws SQLException {
        throw refusedUpdate("updateObject", columnLabel);
    }

    @Override
    public void updateObject(String columnLabel, Object x, SQLType targetSqlType, int scaleOrLength)
            throws SQLException {
        throw refusedUpdate("updateObject", columnLabel);
    }

    @Override
    public void updateObject(String columnLabel, Object x, SQLType targetSqlType) throws SQLException {
        throw refusedUpdate("updateObject", columnLabel);
    }

    @Override
    public void updateRef(String columnLabel, Ref x) throws SQLException {
        throw refusedUpdate("updateRef", columnLabel);
    }

    @Override
    public void updateBlob(String columnLabel, Blob x) throws SQLException {
        throw refusedUpdate("updateBlob", columnLabel);
    }

    @Override
    public void updateClob(String columnLabel, Clob x) throws SQLException {
        throw refusedUpdate("updateClob", columnLabel);
    }

    @Override
    public void updateArray(String columnLabel, Array x) throws SQLException {
        throw refusedUpdate("updateArray", columnLabel);
    }

    @Override
    public void updateRowId(String columnLabel, RowId x) throws SQLException {
        throw refusedUpdate("updateRowId", columnLabel);
    }

    @Override
    public void updateNString(String columnLabel, String nString) throws SQLException {
        throw refusedUpdate("updateNString", columnLabel);
    }

    @Override
    public void updateNClob(String columnLabel, NClob nClob) throws SQLException {
        throw refusedUpdate("updateNClob", columnLabel);
    }

    @Override
    public void updateSQLXML(String columnLabel, SQLXML xmlObject) throws SQLException {
        throw refusedUpdate("updateSQLXML", columnLabel);
    }

    @Override
    public void updateNCharacterStream(String columnLabel, Reader reader, long length) throws SQLException {
        throw refusedUpdate("updateNCharacterStream", columnLabel);
    }

    @Override
    public void updateAsciiStream(String columnLabel, InputStream x, long length) throws SQLException {
        throw refusedUpdate("updateAsciiStream", columnLabel);
    }

    @Override
    public void updateBinaryStream(String columnLabel, InputStream x, long length) throws SQLException {
        throw refusedUpdate("updateBinaryStream", columnLabel);
    }

    @Override
    public void updateCharacterStream(String columnLabel, Reader reader, long length) throws SQLException {
        throw refusedUpdate("updateCharacterStream", columnLabel);
    }

    @Override
    public void updateBlob(String columnLabel, InputStream inputStream, long length) throws SQLException {
        throw refusedUpdate("updateBlob", columnLabel);
    }

    @Override
    public void updateClob(String columnLabel, Reader reader, long length) throws SQLException {
        throw refusedUpdate("updateClob", columnLabel);
    }

    @Override
    public void updateNClob(String columnLabel, Reader reader, long length) throws SQLException {
        throw refusedUpdate("updateNClob", columnLabel);
    }

    @Override
    public void updateNCharacterStream(String columnLabel, Reader reader) throws SQLException {
        throw refusedUpdate("updateNCharacterStream", columnLabel);
    }

    @Override
    public void updateAsciiStream(String columnLabel, InputStream x) throws SQLException {
        throw refusedUpdate("updateAsciiStream", columnLabel);
    }

    @Override
    public void updateBinaryStream(String columnLabel, InputStream x) throws SQLException {
        throw refusedUpdate("updateBinaryStream", columnLabel);
    }

    @Override
    public void updateCharacterStream(String columnLabel, Reader reader) throws SQLException {
        throw refusedUpdate("updateCharacterStream", columnLabel);
    }

    @Override
    public void updateBlob(String columnLabel, InputStream inputStream) throws SQLException {
        throw refusedUpdate("updateBlob", columnLabel);
    }

    @Override
    public void updateClob(String columnLabel, Reader reader) throws SQLException {
        throw refusedUpdate("updateClob", columnLabel);
    }

    @Override
    public void updateNClob(String columnLabel, Reader reader) throws SQLException {
        throw refusedUpdate("updateNClob", columnLabel);
    }

    // ---------------------------------------------------------------- masked copies handed out

    /**
     * An error this result set raises itself (a refusal, a bad index): its message names columns
     * and rules, never a value, so it reaches the agent as it is.
     */
    static final class GuardException extends SQLException {
        private static final long serialVersionUID = 1L;

        GuardException(String message, String sqlState) {
            super(message, sqlState);
        }

        GuardException(String message) {
            super(message);
        }

        GuardException(String message, String sqlState, Throwable cause) {
            super(message, sqlState, cause);
        }
    }

    /**
     * What the agent sees of a driver failure while reading column {@code i} (0: no column).
     * Driver messages echo values ("cannot convert '4111…' to INTEGER"), so a failure on a masked
     * column keeps only its SQLState, and any other is masked by the detectors.
     */
    private SQLException driverError(Throwable error, int i) {
        if (error instanceof GuardException) {
            return (SQLException) error;
        }
        if (i > 0 && plan.mask(i) != null) {
            return withheld(error, "reading column \"" + plan.label(i) + "\" (index " + i + ")",
                    "the column is masked by rule \"" + plan.mask(i).ruleId() + "\"");
        }
        return plan.errors().forAgent(error, null);
    }

    /**
     * What the agent sees of a driver failure while moving the cursor: a row may fail while it is
     * fetched (a cast error quoting a value), so when the result holds a masked column the
     * message is withheld.
     */
    private SQLException cursorError(Throwable error) {
        if (error instanceof GuardException) {
            return (SQLException) error;
        }
        if (plan.mayEchoMaskedValues()) {
            return withheld(error, "moving the cursor", "this result holds or is computed from masked columns");
        }
        return plan.errors().forAgent(error, null);
    }

    private static SQLException withheld(Throwable error, String what, String why) {
        String state = error instanceof SQLException ? ((SQLException) error).getSQLState() : null;
        int code = error instanceof SQLException ? ((SQLException) error).getErrorCode() : 0;
        SQLException out = new SQLException(what + " failed (" + error.getClass().getSimpleName() + ", SQLState " + state
                + ", vendor code " + code + "); the driver's message is withheld because " + why
                + ", whose values driver messages can echo", state, code);
        out.setStackTrace(error.getStackTrace());
        return out;
    }

    private static SQLFeatureNotSupportedException readOnlyCopy(String what) {
        return new SQLFeatureNotSupportedException("this " + what + " is a read-only masked copy of a column value;"
                + " change rows with an UPDATE statement");
    }

    private static Object copyRange(Object array, int from, int to) {
        Object out = java.lang.reflect.Array.newInstance(array.getClass().getComponentType(), to - from);
        System.arraycopy(array, from, out, 0, to - from);
        return out;
    }

    /** A masked CLOB (and NCLOB): the text, held in memory, read-only. */
    static final class TextLob implements NClob {
        private String text;

        TextLob(String text) {
            this.text = text;
        }

        private String text() throws SQLException {
            if (text == null) {
                throw new GuardException("this CLOB was freed; read the column again");
            }
            return text;
        }

        @Override
        public long length() throws SQLException {
            return text().length();
        }

        @Override
        public String getSubString(long pos, int length) throws SQLException {
            String t = text();
            if (pos < 1 || pos > t.length() + 1L || length < 0) {
                throw new GuardException("getSubString(" + pos + ", " + length + ") is out of range: positions are 1 to "
                        + (t.length() + 1) + " and the length at least 0", "22003");
            }
            int from = (int) pos - 1;
            return t.substring(from, (int) Math.min(t.length(), (long) from + length));
        }

        @Override
        public Reader getCharacterStream() throws SQLException {
            return new StringReader(text());
        }

        @Override
        public Reader getCharacterStream(long pos, long length) throws SQLException {
            return new StringReader(getSubString(pos, (int) Math.min(length, Integer.MAX_VALUE)));
        }

        @Override
        public InputStream getAsciiStream() throws SQLException {
            return new ByteArrayInputStream(text().getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public long position(String searchstr, long start) throws SQLException {
            String t = text();
            if (searchstr == null || start < 1 || start > t.length() + 1L) {
                return -1;
            }
            int at = t.indexOf(searchstr, (int) start - 1);
            return at < 0 ? -1 : at + 1;
        }

        @Override
        public long position(Clob searchstr, long start) throws SQLException {
            long n = searchstr.length();
            if (n > Integer.MAX_VALUE) {
                return -1;
            }
            return position(searchstr.getSubString(1, (int) n), start);
        }

        @Override
        public int setString(long pos, String str) throws SQLException {
            throw readOnlyCopy("CLOB");
        }

        @Override
        public int setString(long pos, String str, int offset, int len) throws SQLException {
            throw readOnlyCopy("CLOB");
        }

        @Override
        public OutputStream setAsciiStream(long pos) throws SQLException {
            throw readOnlyCopy("CLOB");
        }

        @Override
        public Writer setCharacterStream(long pos) throws SQLException {
            throw readOnlyCopy("CLOB");
        }

        @Override
        public void truncate(long len) throws SQLException {
            throw readOnlyCopy("CLOB");
        }

        @Override
        public void free() {
            text = null;
        }
    }

    /** A masked BLOB: the bytes, held in memory, read-only. */
    static final class BytesBlob implements Blob {
        private byte[] bytes;

        BytesBlob(byte[] bytes) {
            this.bytes = bytes;
        }

        private byte[] bytes() throws SQLException {
            if (bytes == null) {
                throw new GuardException("this BLOB was freed; read the column again");
            }
            return bytes;
        }

        @Override
        public long length() throws SQLException {
            return bytes().length;
        }

        @Override
        public byte[] getBytes(long pos, int length) throws SQLException {
            byte[] b = bytes();
            if (pos < 1 || pos > b.length + 1L || length < 0) {
                throw new GuardException("getBytes(" + pos + ", " + length + ") is out of range: positions are 1 to "
                        + (b.length + 1) + " and the length at least 0", "22003");
            }
            int from = (int) pos - 1;
            return (byte[]) copyRange(b, from, (int) Math.min(b.length, (long) from + length));
        }

        @Override
        public InputStream getBinaryStream() throws SQLException {
            return new ByteArrayInputStream(bytes());
        }

        @Override
        public InputStream getBinaryStream(long pos, long length) throws SQLException {
            return new ByteArrayInputStream(getBytes(pos, (int) Math.min(length, Integer.MAX_VALUE)));
        }

        @Override
        public long position(byte[] pattern, long start) throws SQLException {
            byte[] b = bytes();
            if (pattern == null || start < 1) {
                return -1;
            }
            outer:
            for (int at = (int) Math.min(start - 1, b.length); at + pattern.length <= b.length; at++) {
                for (int k = 0; k < pattern.length; k++) {
                    if (b[at + k] != pattern[k]) {
                        continue outer;
                    }
                }
                return at + 1L;
            }
            return -1;
        }

        @Override
        public long position(Blob pattern, long start) throws SQLException {
            long n = pattern.length();
            if (n > Integer.MAX_VALUE) {
                return -1;
            }
            return position(pattern.getBytes(1, (int) n), start);
        }

        @Override
        public int setBytes(long pos, byte[] b) throws SQLException {
            throw readOnlyCopy("BLOB");
        }

        @Override
        public int setBytes(long pos, byte[] b, int offset, int len) throws SQLException {
            throw readOnlyCopy("BLOB");
        }

        @Override
        public OutputStream setBinaryStream(long pos) throws SQLException {
            throw readOnlyCopy("BLOB");
        }

        @Override
        public void truncate(long len) throws SQLException {
            throw readOnlyCopy("BLOB");
        }

        @Override
        public void free() {
            bytes = null;
        }
    }

    /** A masked XML value: its text, read-only; readable as a string, a stream or a {@link StreamSource}. */
    static final class TextXml implements SQLXML {
        private String text;

        TextXml(String text) {
            this.text = text;
        }

        @Override
        public String getString() throws SQLException {
            if (text == null) {
                throw new GuardException("this SQLXML was freed; read the column again");
            }
            return text;
        }

        @Override
        public Reader getCharacterStream() throws SQLException {
            return new StringReader(getString());
        }

        @Override
        public InputStream getBinaryStream() throws SQLException {
            return new ByteArrayInputStream(getString().getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public <T extends Source> T getSource(Class<T> sourceClass) throws SQLException {
            if (sourceClass == null || sourceClass == StreamSource.class || sourceClass == Source.class) {
                @SuppressWarnings("unchecked")
                T source = (T) new StreamSource(new StringReader(getString()));
                return source;
            }
            throw new SQLFeatureNotSupportedException("getSource(" + sourceClass.getSimpleName() + ") is not supported"
                    + " by a masked XML value: use getSource(StreamSource.class) or getString()");
        }

        @Override
        public OutputStream setBinaryStream() throws SQLException {
            throw readOnlyCopy("SQLXML");
        }

        @Override
        public Writer setCharacterStream() throws SQLException {
            throw readOnlyCopy("SQLXML");
        }

        @Override
        public void setString(String value) throws SQLException {
            throw readOnlyCopy("SQLXML");
        }

        @Override
        public <T extends Result> T setResult(Class<T> resultClass) throws SQLException {
            throw readOnlyCopy("SQLXML");
        }

        @Override
        public void free() {
            text = null;
        }
    }

    /** A masked SQL array: its elements, held in memory; no result set over it (that would be the driver's). */
    static final class ListArray implements Array {
        private final int baseType;
        private final String baseTypeName;
        private Object elements;
        private boolean freed;

        ListArray(int baseType, String baseTypeName, Object elements) {
            this.baseType = baseType;
            this.baseTypeName = baseTypeName;
            this.elements = elements;
        }

        private Object elements() throws SQLException {
            if (freed) {
                throw new GuardException("this ARRAY was freed; read the column again");
            }
            return elements;
        }

        @Override
        public String getBaseTypeName() {
            return baseTypeName;
        }

        @Override
        public int getBaseType() {
            return baseType;
        }

        @Override
        public Object getArray() throws SQLException {
            Object e = elements();
            return e == null ? null : copyRange(e, 0, java.lang.reflect.Array.getLength(e));
        }

        @Override
        public Object getArray(Map<String, Class<?>> map) throws SQLException {
            return getArray();
        }

        @Override
        public Object getArray(long index, int count) throws SQLException {
            Object e = elements();
            int n = e == null ? 0 : java.lang.reflect.Array.getLength(e);
            if (index < 1 || count < 0 || index - 1 + count > n) {
                throw new GuardException("getArray(" + index + ", " + count + ") is out of range: the array has " + n
                        + " elements, numbered from 1", "2202E");
            }
            return copyRange(e, (int) index - 1, (int) index - 1 + count);
        }

        @Override
        public Object getArray(long index, int count, Map<String, Class<?>> map) throws SQLException {
            return getArray(index, count);
        }

        @Override
        public ResultSet getResultSet() throws SQLException {
            throw noResultSet();
        }

        @Override
        public ResultSet getResultSet(Map<String, Class<?>> map) throws SQLException {
            throw noResultSet();
        }

        @Override
        public ResultSet getResultSet(long index, int count) throws SQLException {
            throw noResultSet();
        }

        @Override
        public ResultSet getResultSet(long index, int count, Map<String, Class<?>> map) throws SQLException {
            throw noResultSet();
        }

        private static SQLFeatureNotSupportedException noResultSet() {
            return new SQLFeatureNotSupportedException("a masked array offers no result set over its elements; read"
                    + " them with getArray()");
        }

        @Override
        public void free() {
            freed = true;
            elements = null;
        }
    }

    /**
     * The driver's metadata as the agent may use it: a masked column is described as the text it
     * yields (VARCHAR, {@code java.lang.String}), so generic code reads it with {@code getString};
     * no column is writable; {@code unwrap} hands out no driver object.
     */
    static final class MaskedMetaData implements ResultSetMetaData {
        private final ResultSetMetaData delegate;
        private final ResultMasking.Plan plan;

        MaskedMetaData(ResultSetMetaData delegate, ResultMasking.Plan plan) {
            this.delegate = Objects.requireNonNull(delegate, "delegate");
            this.plan = plan;
        }

        private boolean masked(int column) {
            return column >= 1 && column <= plan.columnCount() && plan.mask(column) != null;
        }

        @Override
        public int getColumnCount() throws SQLException {
            return delegate.getColumnCount();
        }

        @Override
        public boolean isAutoIncrement(int column) throws SQLException {
            return !masked(column) && delegate.isAutoIncrement(column);
        }

        @Override
        public boolean isCaseSensitive(int column) throws SQLException {
            return masked(column) || delegate.isCaseSensitive(column);
        }

        @Override
        public boolean isSearchable(int column) throws SQLException {
            return delegate.isSearchable(column);
        }

        @Override
        public boolean isCurrency(int column) throws SQLException {
            return !masked(column) && delegate.isCurrency(column);
        }

        @Override
        public int isNullable(int column) throws SQLException {
            if (masked(column) && plan.mask(column).strategy() == MaskStrategy.NULL) {
                return columnNullable;
            }
            return delegate.isNullable(column);
        }

        @Override
        public boolean isSigned(int column) throws SQLException {
            return !masked(column) && delegate.isSigned(column);
        }

        @Override
        public int getColumnDisplaySize(int column) throws SQLException {
            return masked(column) ? Math.max(delegate.getColumnDisplaySize(column), 64)
                    : delegate.getColumnDisplaySize(column);
        }

        @Override
        public String getColumnLabel(int column) throws SQLException {
            return delegate.getColumnLabel(column);
        }

        @Override
        public String getColumnName(int column) throws SQLException {
            return delegate.getColumnName(column);
        }

        @Override
        public String getSchemaName(int column) throws SQLException {
            return delegate.getSchemaName(column);
        }

        @Override
        public int getPrecision(int column) throws SQLException {
            return masked(column) ? Math.max(delegate.getPrecision(column), 64) : delegate.getPrecision(column);
        }

        @Override
        public int getScale(int column) throws SQLException {
            return masked(column) ? 0 : delegate.getScale(column);
        }

        @Override
        public String getTableName(int column) throws SQLException {
            return delegate.getTableName(column);
        }

        @Override
        public String getCatalogName(int column) throws SQLException {
            return delegate.getCatalogName(column);
        }

        @Override
        public int getColumnType(int column) throws SQLException {
            return masked(column) ? Types.VARCHAR : delegate.getColumnType(column);
        }

        @Override
        public String getColumnTypeName(int column) throws SQLException {
            return masked(column) ? "VARCHAR" : delegate.getColumnTypeName(column);
        }

        @Override
        public boolean isReadOnly(int column) {
            return true;
        }

        @Override
        public boolean isWritable(int column) {
            return false;
        }

        @Override
        public boolean isDefinitelyWritable(int column) {
            return false;
        }

        @Override
        public String getColumnClassName(int column) throws SQLException {
            return masked(column) ? String.class.getName() : delegate.getColumnClassName(column);
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            if (iface != null && iface.isInstance(this)) {
                return iface.cast(this);
            }
            throw new GuardException("unwrap(" + (iface == null ? "null" : iface.getName()) + ") is refused: guarded"
                    + " result set metadata hands out no driver object; use the ResultSetMetaData methods",
                    MASKED_SQL_STATE);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return iface != null && iface.isInstance(this);
        }
    }
}

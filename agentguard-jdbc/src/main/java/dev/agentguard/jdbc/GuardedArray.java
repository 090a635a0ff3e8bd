package dev.agentguard.jdbc;

import dev.agentguard.core.masking.Masker;
import dev.agentguard.core.masking.MaskTally;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

/**
 * An SQL array from the driver (created by the agent, or an OUT parameter) that leads back to
 * nothing raw: its result-set views are guarded (a driver's array result set can name the
 * driver's statement, and through it the raw connection), and text elements are masked by the
 * policy's detectors.
 */
final class GuardedArray implements Array {

    private final Array delegate;
    private final Masker masker;

    GuardedArray(Array delegate, Masker masker) {
        this.delegate = delegate;
        this.masker = masker;
    }

    /** The driver's own array for a parameter: drivers bind their own array objects. */
    static Array forDriver(Array array) {
        return array instanceof GuardedArray guarded ? guarded.delegate : array;
    }

    /** The driver's own array for a parameter value; other values unchanged. */
    static Object forDriver(Object value) {
        return value instanceof GuardedArray guarded ? guarded.delegate : value;
    }

    @Override
    public String getBaseTypeName() throws SQLException {
        return delegate.getBaseTypeName();
    }

    @Override
    public int getBaseType() throws SQLException {
        return delegate.getBaseType();
    }

    @Override
    public Object getArray() throws SQLException {
        return masked(delegate.getArray());
    }

    @Override
    public Object getArray(Map<String, Class<?>> map) throws SQLException {
        return masked(delegate.getArray(map));
    }

    @Override
    public Object getArray(long index, int count) throws SQLException {
        return masked(delegate.getArray(index, count));
    }

    @Override
    public Object getArray(long index, int count, Map<String, Class<?>> map) throws SQLException {
        return masked(delegate.getArray(index, count, map));
    }

    @Override
    public ResultSet getResultSet() throws SQLException {
        return guarded(delegate.getResultSet());
    }

    @Override
    public ResultSet getResultSet(Map<String, Class<?>> map) throws SQLException {
        return guarded(delegate.getResultSet(map));
    }

    @Override
    public ResultSet getResultSet(long index, int count) throws SQLException {
        return guarded(delegate.getResultSet(index, count));
    }

    @Override
    public ResultSet getResultSet(long index, int count, Map<String, Class<?>> map) throws SQLException {
        return guarded(delegate.getResultSet(index, count, map));
    }

    @Override
    public void free() throws SQLException {
        delegate.free();
    }

    private ResultSet guarded(ResultSet raw) throws SQLException {
        if (raw == null) {
            return null;
        }
        return new GuardedResultSet(raw, null, ResultMasking.forQuery(masker, null, raw.getMetaData(), 0, null));
    }

    /** A copy with text elements masked, or the array itself when nothing needed masking. */
    private Object masked(Object array) {
        if (!(array instanceof Object[] elements)) {
            return array;
        }
        Object[] copy = null;
        MaskTally tally = new MaskTally();
        for (int i = 0; i < elements.length; i++) {
            Object masked = elements[i];
            if (masked instanceof String text) {
                masked = masker.maskText(text, tally);
            } else if (masked instanceof Object[]) {
                masked = masked(masked);
            }
            if (masked != elements[i]) {
                if (copy == null) {
                    copy = new Object[elements.length];
                    System.arraycopy(elements, 0, copy, 0, elements.length);
                }
                copy[i] = masked;
            }
        }
        if (copy == null) {
            return array;
        }
        // Keep the element type the driver chose (String[] stays String[]) where the masked values fit it.
        Object[] typed = (Object[]) java.lang.reflect.Array.newInstance(elements.getClass().getComponentType(), copy.length);
        try {
            System.arraycopy(copy, 0, typed, 0, copy.length);
            return typed;
        } catch (ArrayStoreException e) {
            return copy;
        }
    }

    @Override
    public String toString() {
        return "GuardedArray";
    }
}

package dev.agentguard.jdbc;

import java.sql.SQLException;

/**
 * The unwrap rule of every guarded object: it hands out itself (for {@code java.sql}
 * interfaces it implements) and nothing else. A raw driver or pool object would run SQL
 * without the policy and the journal, and could reveal how the pool logs in.
 */
final class Unwrapping {

    private Unwrapping() {
    }

    static <T> T unwrap(Object wrapper, Class<T> iface, String what, String resource) throws SQLException {
        if (iface != null && iface.isInstance(wrapper)) {
            return iface.cast(wrapper);
        }
        throw new SQLException("unwrap(" + (iface == null ? "null" : iface.getName()) + ") is refused: a guarded "
                + what + " of data source \"" + resource + "\" hands out no driver or pool object, since it would "
                + "bypass the policy and the audit journal; use the java.sql interfaces it implements");
    }

    static boolean isWrapperFor(Object wrapper, Class<?> iface) {
        return iface != null && iface.isInstance(wrapper);
    }
}

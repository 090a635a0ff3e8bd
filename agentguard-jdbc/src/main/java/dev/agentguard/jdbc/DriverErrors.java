package dev.agentguard.jdbc;

import dev.agentguard.core.action.SqlStatement;
import dev.agentguard.core.masking.Masker;
import dev.agentguard.jdbc.sql.AnalyzedSql;
import dev.agentguard.jdbc.sql.ResultColumn;

import java.sql.BatchUpdateException;
import java.sql.SQLClientInfoException;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLNonTransientException;
import java.sql.SQLRecoverableException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import java.sql.SQLWarning;
import java.util.List;
import java.util.Locale;

/**
 * What the driver's errors and warnings become before anyone sees them. Database messages echo
 * values: a unique violation quotes the key, a failed cast quotes the text it could not convert
 * (the classic way to read a masked column through an error), H2 appends the whole statement
 * with its literals. So:
 * <ul>
 *   <li>the agent gets a standard {@code java.sql} exception of the same kind, SQLState and
 *       vendor code, with the message masked by the policy's detectors, and withheld entirely
 *       when the statement touches a column under a masking rule; never the driver's own
 *       exception object, whose accessors (e.g. PostgreSQL's server error details) carry the
 *       raw values;</li>
 *   <li>the journal gets the SQLState and the message with every quoted value and number
 *       replaced by {@code ?} (quoted names that appear in the redacted SQL are kept), then
 *       masked by the detectors.</li>
 * </ul>
 * Errors are the rare path, so clarity wins over allocation here.
 */
final class DriverErrors {

    /** The longest error text put in an outcome event. */
    static final int MAX_JOURNAL_ERROR = 2000;

    /**
     * Where a driver message turns from what went wrong into the data it went wrong on: H2's echo
     * of the statement, PostgreSQL's Detail (a failing row, a key's value) and Where (a PL/pgSQL
     * context with its arguments). The journal keeps the part before the first of them.
     */
    private static final List<String> VALUE_TAILS = List.of("; SQL statement:", "\n  Detail:", "\n  Where:",
            "\nDetail:", "\nWhere:");

    private final Masker masker;

    DriverErrors(Masker masker) {
        this.masker = masker;
    }

    /**
     * The exception the agent sees for a driver failure while running {@code sql} (null when
     * no statement is involved).
     */
    SQLException forAgent(Throwable error, CheckedSql sql) {
        if (error instanceof PolicyViolationException || error instanceof IdentityRefusedException
                || error instanceof JournalUnavailableException) {
            return (SQLException) error;
        }
        boolean withhold = sql != null && touchesMaskedColumns(sql);
        SQLException copy = copy(error, withhold);
        if (error instanceof SQLException chained) {
            SQLException tail = copy;
            SQLException next = chained.getNextException();
            for (int i = 0; next != null && i < 16; i++) {
                SQLException nextCopy = copy(next, withhold);
                tail.setNextException(nextCopy);
                tail = nextCopy;
                next = next.getNextException();
            }
        }
        copy.setStackTrace(error.getStackTrace());
        return copy;
    }

    /** The masked copy of a warning chain, or null. */
    SQLWarning forAgent(SQLWarning warning) {
        return forAgent(warning, null);
    }

    /**
     * Copies of the warnings for the agent, masked; like errors, their text is withheld (only the
     * SQLState kept) when {@code sql} touches a masked column, since a database may quote the value.
     */
    SQLWarning forAgent(SQLWarning warning, CheckedSql sql) {
        boolean withhold = warning != null && sql != null && touchesMaskedColumns(sql);
        SQLWarning first = null;
        SQLWarning last = null;
        SQLWarning w = warning;
        for (int i = 0; w != null && i < 64; i++, w = w.getNextWarning()) {
            SQLWarning copy = new SQLWarning(withhold ? "the database warned (SQLState " + w.getSQLState()
                    + ", vendor code " + w.getErrorCode() + "); its message is withheld because the statement touches "
                    + "masked columns, whose values database messages can echo" : mask(w.getMessage()),
                    w.getSQLState(), w.getErrorCode());
            if (first == null) {
                first = copy;
            } else {
                last.setNextWarning(copy);
            }
            last = copy;
        }
        return first;
    }

    /**
     * The error text for the outcome event of {@code sql} (null when none): SQLState and the
     * message without values.
     */
    String forJournal(Throwable error, CheckedSql sql) {
        String known = sql == null ? "" : sql.redactedSql().toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(128);
        append(out, error, known);
        if (error instanceof SQLException chained) {
            SQLException next = chained.getNextException();
            for (int i = 0; next != null && next != error && i < 3; i++) {
                out.append(" | next: ");
                append(out, next, known);
                next = next.getNextException();
            }
        }
        String text = mask(out.toString());
        return text.length() <= MAX_JOURNAL_ERROR ? text : text.substring(0, MAX_JOURNAL_ERROR - 1) + "…";
    }

    private static void append(StringBuilder out, Throwable error, String known) {
        if (error instanceof SQLException e && e.getSQLState() != null) {
            out.append("SQLState ").append(e.getSQLState()).append(": ");
        } else {
            out.append(error.getClass().getSimpleName()).append(": ");
        }
        String message = error.getMessage();
        if (message == null) {
            out.append("(no message)");
            return;
        }
        for (String tail : VALUE_TAILS) {
            int at = message.indexOf(tail);
            if (at >= 0) {
                message = message.substring(0, at); // the intent event already holds the redacted statement
            }
        }
        scrub(message, known, out);
    }

    /** Replaces quoted values, {@code (col)=(value)} details and numbers with {@code ?}. */
    static void scrub(String message, String known, StringBuilder out) {
        int n = message.length();
        int i = 0;
        while (i < n) {
            char c = message.charAt(i);
            if (c == '\'' || c == '"') {
                int end = closingQuote(message, i + 1, c);
                if (end < 0) {
                    out.append(c).append('?'); // an unterminated quote: the rest may be a value
                    return;
                }
                String content = message.substring(i + 1, end);
                out.append(c);
                out.append(isKnownName(content, known) ? content : "?");
                out.append(c);
                i = end + 1;
            } else if (c == ')' && message.startsWith(")=(", i)) {
                int end = message.indexOf(')', i + 3);
                out.append(")=(?)");
                if (end < 0) {
                    return;
                }
                i = end + 1;
            } else if (Character.isDigit(c) && (i == 0 || !isWordChar(message.charAt(i - 1)))) {
                int end = i;
                while (end < n && (Character.isDigit(message.charAt(end)) || message.charAt(end) == '.'
                        || message.charAt(end) == '-' && end + 1 < n && Character.isDigit(message.charAt(end + 1)))) {
                    end++;
                }
                if (end < n && isWordChar(message.charAt(end))) {
                    while (end < n && isWordChar(message.charAt(end))) {
                        end++;
                    }
                }
                out.append('?');
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
    }

    private static int closingQuote(String s, int from, char quote) {
        int i = from;
        while (i < s.length()) {
            if (s.charAt(i) == quote) {
                if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
                    i += 2; // a doubled quote inside the quoted text
                    continue;
                }
                return i;
            }
            i++;
        }
        return -1;
    }

    /** A quoted name may stay when the journaled SQL already shows it: it reveals nothing new. */
    private static boolean isKnownName(String content, String known) {
        if (content.isEmpty() || content.length() > 128 || !Character.isLetter(content.charAt(0))) {
            return false;
        }
        for (int i = 0; i < content.length(); i++) {
            char c = content.charAt(i);
            if (!isWordChar(c) && c != '.') {
                return false;
            }
        }
        String lower = content.toLowerCase(Locale.ROOT);
        int at = known.indexOf(lower);
        while (at >= 0) {
            int end = at + lower.length();
            boolean startsWord = at == 0 || !isWordChar(known.charAt(at - 1));
            boolean endsWord = end == known.length() || !isWordChar(known.charAt(end));
            if (startsWord && endsWord) {
                return true;
            }
            at = known.indexOf(lower, at + 1);
        }
        return false;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    /** Whether the statement reads or names a column that a masking rule covers. */
    boolean touchesMaskedColumns(CheckedSql sql) {
        return touchesMaskedColumns(sql.analyzed());
    }

    /** Whether {@code analyzed} reads, filters on or computes from a column under a masking rule. */
    boolean touchesMaskedColumns(AnalyzedSql analyzed) {
        for (SqlStatement statement : analyzed.action().statements()) {
            for (String column : statement.columns()) {
                if (isMasked(column)) {
                    return true;
                }
            }
        }
        for (ResultColumn column : analyzed.resultColumns()) {
            for (String source : column.sourceColumns()) {
                if (isMasked(source)) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean isMasked(String qualifiedColumn) {
        int lastDot = qualifiedColumn.lastIndexOf('.');
        String column = qualifiedColumn.substring(lastDot + 1);
        if (column.equals("*")) {
            return false;
        }
        String table = null;
        String schema = null;
        if (lastDot > 0) {
            int dot = qualifiedColumn.lastIndexOf('.', lastDot - 1);
            table = qualifiedColumn.substring(dot + 1, lastDot);
            if (dot > 0) {
                int first = qualifiedColumn.lastIndexOf('.', dot - 1);
                schema = qualifiedColumn.substring(first + 1, dot);
            }
        }
        return masker.columnMask(schema, table, column) != null;
    }

    private String mask(String text) {
        return text == null ? null : masker.maskText(text, null);
    }

    private SQLException copy(Throwable error, boolean withhold) {
        String state = error instanceof SQLException e ? e.getSQLState() : null;
        int code = error instanceof SQLException e ? e.getErrorCode() : 0;
        String message;
        if (withhold) {
            message = "the database refused the statement (SQLState " + state + ", vendor code " + code
                    + "); its message is withheld because the statement touches masked columns, "
                    + "whose values database messages can echo";
        } else if (error instanceof SQLException) {
            message = mask(error.getMessage());
        } else {
            message = "the driver failed with " + error.getClass().getName() + ": " + mask(error.getMessage());
        }
        if (error instanceof BatchUpdateException b) {
            return new BatchUpdateException(message, state, code, b.getLargeUpdateCounts(), null);
        }
        if (error instanceof SQLClientInfoException c) {
            return new SQLClientInfoException(message, state, code, c.getFailedProperties());
        }
        if (error instanceof UnsupportedOperationException) {
            return new SQLFeatureNotSupportedException(message, state, code);
        }
        if (error instanceof SQLIntegrityConstraintViolationException) {
            return new SQLIntegrityConstraintViolationException(message, state, code);
        }
        if (error instanceof SQLSyntaxErrorException) {
            return new SQLSyntaxErrorException(message, state, code);
        }
        if (error instanceof SQLDataException) {
            return new SQLDataException(message, state, code);
        }
        if (error instanceof SQLFeatureNotSupportedException) {
            return new SQLFeatureNotSupportedException(message, state, code);
        }
        if (error instanceof SQLInvalidAuthorizationSpecException) {
            return new SQLInvalidAuthorizationSpecException(message, state, code);
        }
        if (error instanceof SQLNonTransientConnectionException) {
            return new SQLNonTransientConnectionException(message, state, code);
        }
        if (error instanceof SQLNonTransientException) {
            return new SQLNonTransientException(message, state, code);
        }
        if (error instanceof SQLTransientConnectionException) {
            return new SQLTransientConnectionException(message, state, code);
        }
        if (error instanceof SQLTransactionRollbackException) {
            return new SQLTransactionRollbackException(message, state, code);
        }
        if (error instanceof SQLTimeoutException) {
            return new SQLTimeoutException(message, state, code);
        }
        if (error instanceof SQLTransientException) {
            return new SQLTransientException(message, state, code);
        }
        if (error instanceof SQLRecoverableException) {
            return new SQLRecoverableException(message, state, code);
        }
        return new SQLException(message, state, code);
    }
}

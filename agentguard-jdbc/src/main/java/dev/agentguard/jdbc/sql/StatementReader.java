package dev.agentguard.jdbc.sql;

import dev.agentguard.core.action.SqlStatement;
import dev.agentguard.core.action.StatementKind;
import dev.agentguard.jdbc.sql.SqlToken.Type;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.ParseException;
import net.sf.jsqlparser.parser.StringProvider;
import net.sf.jsqlparser.parser.Token;
import net.sf.jsqlparser.parser.TokenMgrException;
import net.sf.jsqlparser.statement.Statements;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads one statement from its tokens. Forms JSqlParser does not parse (PostgreSQL {@code DO},
 * {@code COPY}, {@code VACUUM}, {@code SET … TO}, transaction control, JDBC {@code {call}}
 * escapes, H2 {@code RUNSCRIPT} and {@code CREATE ALIAS}…) are recognised from their tokens and
 * classified explicitly; everything else is parsed, on the calling thread, and walked by
 * {@link StatementAnalysis}. What neither path understands is UNKNOWN: nothing falls through
 * to a classification that a policy could allow.
 */
final class StatementReader {

    /** The analysis of one statement: what policies see, and the result columns if it returns rows. */
    record Result(SqlStatement statement, List<Scope.Output> outputs) {
    }

    private static final Set<String> TRANSACTION_WORDS = Set.of(
            "begin", "start", "commit", "end", "rollback", "savepoint", "release", "abort");
    private static final Set<String> SESSION_WORDS = Set.of(
            "reset", "show", "discard", "deallocate", "listen", "unlisten", "notify");
    private static final Set<String> MAINTENANCE_WORDS = Set.of(
            "vacuum", "analyze", "analyse", "reindex", "cluster", "checkpoint");
    /** Option words that may precede the table names of maintenance and LOCK statements. */
    private static final Set<String> OPTION_WORDS = Set.of(
            "full", "freeze", "verbose", "analyze", "analyse", "skip_locked", "concurrently", "table", "tables",
            "index", "schema", "database", "system", "only", "nowait", "read", "write", "local", "low_priority");

    private final List<SqlToken> tokens;

    private StatementReader(List<SqlToken> tokens) {
        this.tokens = tokens;
    }

    /** Reads the statement made of {@code tokens} (never empty). */
    static Result read(List<SqlToken> tokens) {
        StatementReader reader = new StatementReader(tokens);
        Result result;
        try {
            result = reader.classify(0);
        } catch (StackOverflowError e) {
            result = unknown("the statement is nested too deeply to analyse");
        } catch (RuntimeException e) {
            // a parser or walker defect must not let the statement through
            result = unknown("the analysis failed (" + e.getClass().getSimpleName() + ")");
        }
        return reader.withTokenFindings(result);
    }

    private static Result unknown(String reason) {
        return new Result(SqlStatement.unknown(reason), null);
    }

    private static Result of(StatementKind kind, Set<String> read, Set<String> written, Set<String> dangerous) {
        return new Result(new SqlStatement(kind, read, written, Set.of(), Set.of(), false, dangerous, null), null);
    }

    private SqlToken at(int i) {
        return i < tokens.size() ? tokens.get(i) : null;
    }

    private boolean wordAt(int i, String word) {
        SqlToken t = at(i);
        return t != null && t.isWord(word);
    }

    private String wordValue(int i) {
        SqlToken t = at(i);
        return t != null && t.type() == Type.WORD ? t.value() : "";
    }

    /** Classifies the statement that starts at token {@code from}. */
    private Result classify(int from) {
        SqlToken first = at(from);
        if (first == null) {
            return unknown("an empty statement");
        }
        if (first.isSymbol('{')) {
            return jdbcEscape(from);
        }
        String word = first.type() == Type.WORD ? first.value() : "";
        String second = wordValue(from + 1);
        switch (word) {
            case "do":
                // an anonymous code block: its body is a literal, its effect unknowable
                return of(StatementKind.CALL, Set.of(), Set.of(), Set.of("do"));
            case "copy":
                return copy(from);
            case "set":
                return set(from);
            case "use":
                return of(StatementKind.SET, Set.of(), Set.of(), Set.of("use"));
            case "lock":
                return of(StatementKind.TRANSACTION, Set.of(), names(from + 1, "in"), Set.of());
            case "unlock":
                return simple(from, StatementKind.TRANSACTION);
            case "prepare":
                return prepare(from);
            case "execute":
            case "exec":
                if (second.equals("immediate")) {
                    return of(StatementKind.CALL, Set.of(), Set.of(), Set.of("execute immediate"));
                }
                return parse(from);
            case "explain":
                return explain(from);
            case "describe":
            case "desc":
                return of(StatementKind.SET, Set.of(), Set.of(), Set.of());
            case "runscript":
            case "script":
            case "backup":
                // H2: run SQL from a file or URL, dump the whole database, copy its files
                return of(StatementKind.CALL, Set.of(), Set.of(), Set.of(word));
            case "shutdown":
                return of(StatementKind.DDL, Set.of(), Set.of(), Set.of("shutdown"));
            case "load":
                return load(from);
            case "create":
                return create(from);
            case "merge":
                return h2MergeKey(from);
            case "alter":
                return alter(from);
            case "import":
                if (second.equals("foreign")) {
                    return of(StatementKind.DDL, Set.of(), Set.of(), Set.of("foreign data"));
                }
                return parse(from);
            case "bulk":
                return of(StatementKind.INSERT, Set.of(), names(from + 2, "from"), Set.of("bulk insert"));
            case "waitfor":
                return of(StatementKind.CALL, Set.of(), Set.of(), Set.of("waitfor"));
            case "security":
            case "reassign":
                return of(StatementKind.DCL, Set.of(), Set.of(), Set.of());
            default:
                break;
        }
        if (TRANSACTION_WORDS.contains(word)) {
            return transaction(from);
        }
        if (SESSION_WORDS.contains(word)) {
            return simple(from, StatementKind.SET);
        }
        if (MAINTENANCE_WORDS.contains(word)) {
            return maintenance(from);
        }
        return parse(from);
    }

    // ---------------------------------------------------------------- token-level forms

    /** {@code {call p(?)}} and {@code {? = call p(?)}}: the JDBC escape for stored procedures. */
    private Result jdbcEscape(int from) {
        int end = tokens.size() - 1;
        if (!tokens.get(end).isSymbol('}')) {
            return unknown("a JDBC escape that does not end the statement");
        }
        int call = from + 1;
        SqlToken t = at(call);
        if (t != null && t.type() == Type.PARAMETER && at(call + 1) != null && at(call + 1).isSymbol('=')) {
            call += 2;
        }
        if (!wordAt(call, "call")) {
            return unknown("a JDBC escape other than {call …} at the start of a statement");
        }
        Result parsed = parse(call, end);
        if (!parsed.statement().isUnderstood()) {
            return parsed;
        }
        return parsed.statement().kind() == StatementKind.CALL ? parsed
                : unknown("a JDBC {call} escape that is not a procedure call");
    }

    /**
     * PostgreSQL COPY. {@code COPY t FROM STDIN} writes t, {@code COPY t TO STDOUT} and
     * {@code COPY (query) TO STDOUT} read; a file or PROGRAM target reaches the server's
     * file system or shell and is dangerous.
     */
    private Result copy(int from) {
        int i = from + 1;
        StatementKind kind;
        List<String> read = new ArrayList<>();
        List<String> written = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        Set<String> dangerous = new LinkedHashSet<>();
        Result inner = null;
        if (at(i) != null && at(i).isSymbol('(')) {
            int close = closing(i);
            if (close < 0) {
                return unknown("COPY with an unbalanced query");
            }
            inner = parse(i + 1, close);
            if (!inner.statement().isUnderstood()) {
                return inner;
            }
            i = close + 1;
            kind = inner.statement().kind();
        } else {
            Name table = name(i);
            if (table == null) {
                return unknown("COPY without a table name");
            }
            i = table.next();
            if (at(i) != null && at(i).isSymbol('(')) {
                int close = closing(i);
                if (close < 0) {
                    return unknown("COPY with an unbalanced column list");
                }
                for (int c = i + 1; c < close; c++) {
                    if (at(c).isName()) {
                        columns.add(table.text() + "." + at(c).value());
                    }
                }
                i = close + 1;
            }
            if (wordAt(i, "from")) {
                kind = StatementKind.INSERT;
                written.add(table.text());
            } else if (wordAt(i, "to")) {
                kind = StatementKind.SELECT;
                read.add(table.text());
                if (columns.isEmpty()) {
                    columns.add(table.text() + ".*");
                }
            } else {
                return unknown("COPY without FROM or TO");
            }
        }
        if (!wordAt(i, "from") && !wordAt(i, "to")) {
            return unknown("COPY without FROM or TO");
        }
        i++;
        if (wordAt(i, "program")) {
            dangerous.add("copy program");
        } else if (at(i) != null && at(i).type() == Type.STRING) {
            dangerous.add("copy file");
        } else if (!wordAt(i, "stdin") && !wordAt(i, "stdout")) {
            return unknown("COPY to or from something other than STDIN, STDOUT, a file or a program");
        }
        if (inner != null) {
            SqlStatement s = inner.statement();
            dangerous.addAll(s.dangerousForms());
            return new Result(new SqlStatement(kind, s.tablesRead(), s.tablesWritten(), s.columns(), s.functions(),
                    s.whereMissing(), dangerous, null), null);
        }
        return new Result(new SqlStatement(kind, Set.copyOf(read), Set.copyOf(written), Set.copyOf(columns),
                Set.of(), false, dangerous, null), null);
    }

    /**
     * SET: session settings. With a sub-expression (MySQL {@code SET @x = (SELECT …)}) it is
     * parsed like any statement; otherwise the setting name decides: transaction settings are
     * TRANSACTION, and settings that change name resolution, identity or protections are dangerous.
     */
    private Result set(int from) {
        for (int i = from + 1; i < tokens.size(); i++) {
            SqlToken t = tokens.get(i);
            if (t.isSymbol('(') || t.isWord("select")) {
                return parse(from);
            }
        }
        int i = from + 1;
        boolean global = false;
        while (wordAt(i, "session") && !wordAt(i + 1, "authorization") || wordAt(i, "local")
                || wordAt(i, "global")) {
            global |= wordAt(i, "global");
            i++;
        }
        if (wordAt(i, "transaction") || wordAt(i, "constraints")) {
            return simple(from, StatementKind.TRANSACTION);
        }
        // the setting is the first (dotted) name; PostgreSQL and H2 accept "SET name value" without TO
        StringBuilder setting = new StringBuilder();
        while (at(i) != null && at(i).isSymbol('@')) {
            i++;
        }
        if (wordAt(i, "session") && wordAt(i + 1, "authorization")) {
            setting.append("session authorization");
        } else if (at(i) != null && at(i).isName()) {
            setting.append(name(i).text());
        } else {
            return unknown("a SET statement of an unrecognised form");
        }
        global |= setting.toString().startsWith("global.");
        String name = setting.toString().replaceFirst("^(session|local|global)\\.", "");
        Set<String> dangerous = new LinkedHashSet<>();
        if (global) {
            dangerous.add("set global");
        }
        if (DangerousForms.isDangerousSetting(name)) {
            dangerous.add("set " + name);
        }
        Result simple = simple(from, StatementKind.SET);
        if (!simple.statement().isUnderstood()) {
            return simple;
        }
        return of(StatementKind.SET, Set.of(), Set.of(), dangerous);
    }

    /** A statement of plain words, names and literals; anything else in it makes it UNKNOWN. */
    private Result simple(int from, StatementKind kind) {
        for (int i = from; i < tokens.size(); i++) {
            SqlToken t = tokens.get(i);
            boolean plain = t.type() != Type.SYMBOL
                    || t.isSymbol(',') || t.isSymbol('=') || t.isSymbol('.') || t.isSymbol('-')
                    || t.isSymbol('+') || t.isSymbol('@') || t.isSymbol(':') || t.isSymbol('*');
            if (!plain) {
                return unknown("a " + kind + " statement of an unrecognised form");
            }
        }
        return of(kind, Set.of(), Set.of(), Set.of());
    }

    /**
     * BEGIN, START TRANSACTION, COMMIT, END, ROLLBACK, SAVEPOINT, RELEASE, ABORT. BEGIN followed
     * by anything but transaction options is a procedural block, which is not analysed.
     */
    private Result transaction(int from) {
        String word = wordValue(from);
        SqlToken next = at(from + 1);
        if (word.equals("begin") && next != null && !(next.isWord("transaction") || next.isWord("work")
                || next.isWord("isolation") || next.isWord("read") || next.isWord("not")
                || next.isWord("deferrable") || next.isWord("tran"))) {
            return unknown("a BEGIN … END block is not analysed");
        }
        if (word.equals("end") && next != null && !(next.isWord("transaction") || next.isWord("work"))) {
            return unknown("END of a block is not analysed");
        }
        if (word.equals("start") && !wordAt(from + 1, "transaction")) {
            return parse(from);
        }
        Result simple = simple(from, StatementKind.TRANSACTION);
        if (!simple.statement().isUnderstood()) {
            return simple;
        }
        for (int i = from; i + 1 < tokens.size(); i++) {
            if (wordAt(i, "read") && wordAt(i + 1, "write")) {
                // lifts a read-only protection the connection may rely on
                return of(StatementKind.TRANSACTION, Set.of(), Set.of(), Set.of("read write"));
            }
        }
        return simple;
    }

    /** PREPARE TRANSACTION, PREPARE name AS statement (judged as the statement), PREPARE name FROM 'text'. */
    private Result prepare(int from) {
        if (wordAt(from + 1, "transaction")) {
            return simple(from, StatementKind.TRANSACTION);
        }
        int i = from + 2;
        if (at(i) != null && at(i).isSymbol('(')) {
            int close = closing(i);
            if (close < 0) {
                return unknown("PREPARE with an unbalanced type list");
            }
            i = close + 1;
        }
        if (wordAt(i, "as")) {
            return classify(i + 1);
        }
        if (wordAt(i, "from")) {
            // the statement is a literal, or a variable: unknowable here
            return of(StatementKind.CALL, Set.of(), Set.of(), Set.of("prepare from string"));
        }
        return unknown("a PREPARE statement of an unrecognised form");
    }

    /** EXPLAIN [ANALYZE] [options] statement: judged as the statement, which EXPLAIN ANALYZE runs. */
    private Result explain(int from) {
        int i = from + 1;
        if (at(i) != null && at(i).isSymbol('(')) {
            int close = closing(i);
            if (close < 0) {
                return unknown("EXPLAIN with unbalanced options");
            }
            i = close + 1;
        }
        Set<String> options = Set.of("analyze", "analyse", "verbose", "costs", "buffers", "plan", "for",
                "query", "extended", "partitions");
        while (at(i) != null && at(i).type() == Type.WORD && options.contains(at(i).value())) {
            i++;
        }
        if (at(i) == null) {
            return unknown("EXPLAIN without a statement");
        }
        Result inner = classify(i);
        return new Result(inner.statement(), null);
    }

    /** LOAD DATA [LOCAL] INFILE … INTO TABLE t (MySQL) writes t from a file; PostgreSQL LOAD loads a library. */
    private Result load(int from) {
        if (wordAt(from + 1, "data") || wordAt(from + 1, "xml")) {
            Set<String> written = Set.of();
            for (int i = from; i + 2 < tokens.size(); i++) {
                if (wordAt(i, "into") && wordAt(i + 1, "table")) {
                    Name table = name(i + 2);
                    if (table != null) {
                        written = Set.of(table.text());
                    }
                    break;
                }
            }
            return of(StatementKind.INSERT, Set.of(), written, Set.of("load data"));
        }
        return of(StatementKind.CALL, Set.of(), Set.of(), Set.of("load"));
    }

    /**
     * H2's {@code MERGE INTO t [(cols)] KEY (cols) VALUES … | SELECT …}, an upsert JSqlParser does
     * not parse: t is written, the source is parsed as a query. Standard MERGE goes to the parser.
     */
    private Result h2MergeKey(int from) {
        if (!wordAt(from + 1, "into")) {
            return parse(from);
        }
        Name table = name(from + 2);
        if (table == null) {
            return parse(from);
        }
        int i = table.next();
        Set<String> columns = new LinkedHashSet<>();
        if (at(i) != null && at(i).isSymbol('(')) {
            int close = closing(i);
            if (close < 0) {
                return unknown("MERGE with an unbalanced column list");
            }
            for (int c = i + 1; c < close; c++) {
                if (at(c).isName()) {
                    columns.add(table.text() + "." + at(c).value());
                }
            }
            i = close + 1;
        }
        if (!wordAt(i, "key")) {
            return parse(from);
        }
        int close = at(i + 1) != null && at(i + 1).isSymbol('(') ? closing(i + 1) : -1;
        if (close < 0) {
            return unknown("MERGE … KEY without a key column list");
        }
        for (int c = i + 2; c < close; c++) {
            if (at(c).isName()) {
                columns.add(table.text() + "." + at(c).value());
            }
        }
        if (close + 1 >= tokens.size()) {
            return unknown("MERGE … KEY without VALUES or a query");
        }
        Result source = parse(close + 1, tokens.size());
        if (!source.statement().isUnderstood()) {
            return source;
        }
        SqlStatement s = source.statement();
        columns.addAll(s.columns());
        return new Result(new SqlStatement(StatementKind.MERGE, s.tablesRead(), Set.of(table.text()), columns,
                s.functions(), false, s.dangerousForms(), null), null);
    }

    private Result create(int from) {
        int i = from + 1;
        Set<String> modifiers = Set.of("or", "replace", "temp", "temporary", "global", "local", "unlogged",
                "force", "noforce", "cached", "memory", "transactional", "trusted", "procedural", "definer",
                "constraint", "materialized");
        while (at(i) != null && at(i).type() == Type.WORD && modifiers.contains(at(i).value())) {
            i++;
        }
        String object = wordValue(i);
        switch (object) {
            case "alias":
                // H2: a Java method becomes an SQL function — arbitrary code on the server
                return of(StatementKind.DDL, Set.of(), Set.of(), Set.of("create alias"));
            case "linked": {
                Name table = name(i + 2);
                return of(StatementKind.DDL, Set.of(), table == null ? Set.of() : Set.of(table.text()),
                        Set.of("create linked table"));
            }
            case "extension":
                return of(StatementKind.DDL, Set.of(), Set.of(), Set.of("create extension"));
            case "language":
                return of(StatementKind.DDL, Set.of(), Set.of(), Set.of("create language"));
            case "server":
            case "foreign":
                return of(StatementKind.DDL, Set.of(), Set.of(), Set.of("foreign data"));
            case "subscription":
            case "publication":
                return of(StatementKind.DDL, Set.of(), Set.of(), Set.of("replication"));
            case "rule":
                // a rule rewrites later queries on its table
                return of(StatementKind.DDL, Set.of(), Set.of(), Set.of("create rule"));
            case "user":
                if (wordAt(i + 1, "mapping")) {
                    return of(StatementKind.DDL, Set.of(), Set.of(), Set.of("foreign data"));
                }
                return parseOr(from, StatementKind.DCL);
            case "role":
            case "group":
            case "policy":
                return parseOr(from, StatementKind.DCL);
            case "trigger": {
                Result parsed = parse(from);
                if (javaTrigger(i)) {
                    // H2: the trigger body is a Java class or source code
                    return of(StatementKind.DDL, parsed.statement().tablesRead(),
                            parsed.statement().tablesWritten(), Set.of("create trigger"));
                }
                return parsed;
            }
            case "function":
            case "procedure":
                return parseOr(from, StatementKind.DDL);
            default:
                return parse(from);
        }
    }

    private boolean javaTrigger(int from) {
        for (int i = from; i + 1 < tokens.size(); i++) {
            SqlToken next = tokens.get(i + 1);
            if ((wordAt(i, "call") || wordAt(i, "as"))
                    && (next.type() == Type.STRING || next.type() == Type.QUOTED)) {
                return true;
            }
        }
        return false;
    }

    private Result alter(int from) {
        String object = wordValue(from + 1);
        return switch (object) {
            case "system" -> of(StatementKind.DDL, Set.of(), Set.of(), Set.of("alter system"));
            case "user", "role", "group", "policy" -> parseOr(from, StatementKind.DCL);
            case "default" -> parseOr(from, StatementKind.DCL);
            case "extension" -> of(StatementKind.DDL, Set.of(), Set.of(), Set.of("create extension"));
            case "server", "foreign" -> of(StatementKind.DDL, Set.of(), Set.of(), Set.of("foreign data"));
            case "subscription", "publication" -> of(StatementKind.DDL, Set.of(), Set.of(), Set.of("replication"));
            default -> parse(from);
        };
    }

    /** VACUUM, ANALYZE, REINDEX, CLUSTER, CHECKPOINT: maintenance, reported as DDL on the tables named. */
    private Result maintenance(int from) {
        int i = from + 1;
        if (at(i) != null && at(i).isSymbol('(')) {
            int close = closing(i);
            if (close < 0) {
                return unknown("a maintenance statement with unbalanced options");
            }
            i = close + 1;
        }
        return of(StatementKind.DDL, Set.of(), names(i, null), Set.of());
    }

    /**
     * The qualified names in a list such as {@code a, b.c (x, y), d}, skipping option words and
     * parenthesised column lists, up to {@code stopWord} or the end.
     */
    private Set<String> names(int from, String stopWord) {
        Set<String> names = new LinkedHashSet<>();
        int i = from;
        while (i < tokens.size()) {
            SqlToken t = tokens.get(i);
            if (stopWord != null && t.isWord(stopWord)) {
                break;
            }
            if (t.isSymbol('(')) {
                int close = closing(i);
                i = close < 0 ? tokens.size() : close + 1;
                continue;
            }
            if (t.type() == Type.WORD && OPTION_WORDS.contains(t.value())) {
                i++;
                continue;
            }
            if (t.isName()) {
                Name name = name(i);
                names.add(name.text());
                i = name.next();
                continue;
            }
            i++;
        }
        return names;
    }

    /** A dotted name starting at {@code i}. */
    private record Name(String text, int next) {
    }

    private Name name(int i) {
        SqlToken t = at(i);
        if (t == null || !t.isName()) {
            return null;
        }
        StringBuilder text = new StringBuilder(t.value());
        int j = i + 1;
        while (at(j) != null && at(j).isSymbol('.') && at(j + 1) != null && at(j + 1).isName()) {
            text.append('.').append(at(j + 1).value());
            j += 2;
        }
        return new Name(text.toString(), j);
    }

    /** The index of the bracket closing the one at {@code open}, or -1. */
    private int closing(int open) {
        int depth = 0;
        for (int i = open; i < tokens.size(); i++) {
            SqlToken t = tokens.get(i);
            if (t.isSymbol('(')) {
                depth++;
            } else if (t.isSymbol(')')) {
                depth--;
                if (depth == 0) {
                    return i;
                }
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------- parsing

    private Result parse(int from) {
        return parse(from, tokens.size());
    }

    /** Parses; when the parser fails, falls back to {@code kind} with nothing else known. */
    private Result parseOr(int from, StatementKind kind) {
        Result parsed = parse(from);
        return parsed.statement().isUnderstood() ? parsed : of(kind, Set.of(), Set.of(), Set.of());
    }

    /**
     * Parses tokens {@code [from, to)} as exactly one statement. The parser sees the normalised
     * text (no literal values), runs on this thread, and must consume all of it.
     */
    private Result parse(int from, int to) {
        String text = SqlLexer.normalised(tokens, from, to);
        Statements statements;
        try {
            CCJSqlParser parser = new CCJSqlParser(new StringProvider(text));
            statements = parser.Statements();
            Token next = parser.getNextToken();
            if (next != null && next.kind != 0) {
                return unknown("not understood by the SQL parser: text after the end of the statement");
            }
        } catch (ParseException e) {
            return unknown("not understood by the SQL parser" + near(e.currentToken));
        } catch (TokenMgrException e) {
            return unknown("not understood by the SQL parser (a character it cannot read)");
        }
        if (statements.size() != 1) {
            return unknown("the SQL parser read " + statements.size() + " statements where one was expected");
        }
        Findings findings = StatementAnalysis.of(statements.get(0));
        if (findings.unknownReason == null && findings.kind != StatementKind.DCL) {
            int selectWords = 0;
            for (int i = from; i < to; i++) {
                if (tokens.get(i).isWord("select")) {
                    selectWords++;
                }
            }
            if (findings.selects < selectWords) {
                // the walk missed a sub-query, so it may have missed the tables it reads
                findings.unknown("a sub-query in a position the analysis does not follow");
            }
        }
        if (findings.unknownReason == null && findings.kind == StatementKind.UNKNOWN) {
            findings.unknown("a statement of an unrecognised kind");
        }
        return new Result(findings.toStatement(), findings.unknownReason == null ? findings.outputs : null);
    }

    /** Where the parser stopped. The text it parsed holds no literal values, so neither does this. */
    private static String near(Token current) {
        Token next = current == null ? null : current.next;
        if (next == null || next.image == null || next.kind == 0) {
            return " (unexpected end)";
        }
        String image = next.image.length() > 40 ? next.image.substring(0, 40) + "…" : next.image;
        return " (near \"" + image + "\")";
    }

    // ---------------------------------------------------------------- token checks

    /**
     * Adds what the tokens alone show, whatever the classification: dangerous functions called
     * anywhere (also inside expressions the walk may not reach), MySQL INTO OUTFILE / DUMPFILE,
     * and untrusted procedural languages.
     */
    private Result withTokenFindings(Result result) {
        Set<String> found = new LinkedHashSet<>();
        for (int i = 0; i < tokens.size(); i++) {
            SqlToken t = tokens.get(i);
            if (!t.isName()) {
                continue;
            }
            Name name = name(i);
            SqlToken after = at(name.next());
            boolean called = after != null && after.isSymbol('(');
            boolean invoked = i > 0 && (tokens.get(i - 1).isWord("call") || tokens.get(i - 1).isWord("exec")
                    || tokens.get(i - 1).isWord("execute"));
            if (called || invoked) {
                String form = DangerousForms.function(name.text());
                if (form != null) {
                    found.add(form);
                }
            }
            if (t.isWord("into") && (wordAt(i + 1, "outfile") || wordAt(i + 1, "dumpfile"))) {
                found.add("into " + wordValue(i + 1));
            }
            if (t.isWord("language") && at(i + 1) != null && at(i + 1).isName()
                    && DangerousForms.isUntrustedLanguage(at(i + 1).value())) {
                found.add("untrusted language");
            }
        }
        SqlStatement s = result.statement();
        if (found.isEmpty() || s.dangerousForms().containsAll(found)) {
            return result;
        }
        found.addAll(s.dangerousForms());
        // an UNKNOWN statement keeps its reason and still reports what it was seen to call
        return new Result(new SqlStatement(s.kind(), s.tablesRead(), s.tablesWritten(), s.columns(), s.functions(),
                s.whereMissing(), found, s.unknownReason()), result.outputs());
    }
}

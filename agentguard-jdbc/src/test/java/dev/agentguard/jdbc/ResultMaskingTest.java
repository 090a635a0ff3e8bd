package dev.agentguard.jdbc;

import dev.agentguard.core.action.SqlAction;
import dev.agentguard.core.action.SqlStatement;
import dev.agentguard.core.action.StatementKind;
import dev.agentguard.core.masking.ColumnMask;
import dev.agentguard.core.masking.MaskStrategy;
import dev.agentguard.core.masking.Masker;
import dev.agentguard.core.masking.MaskingRules;
import dev.agentguard.jdbc.sql.AnalyzedSql;
import dev.agentguard.jdbc.sql.ResultColumn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How the plan of one result set finds each column's rule: through the driver's metadata,
 * through the parsed query (aliases, expressions, stars), and fail closed when the two cannot be
 * lined up. Real H2 metadata; the parsed query is written out as the analyzer reports it.
 */
class ResultMaskingTest {

    private static final Masker MASKER = MaskingRules.builder()
            .column("public.cards.pan", MaskStrategy.PARTIAL)
            .column("*.cards.cvv", MaskStrategy.NULL)
            .column("billing.invoices.iban", MaskStrategy.REDACT)
            .build()
            .masker();

    private Connection db;
    private final List<Statement> statements = new ArrayList<>();

    @BeforeEach
    void createTables() throws SQLException {
        db = DriverManager.getConnection("jdbc:h2:mem:plan-" + UUID.randomUUID());
        try (Statement s = db.createStatement()) {
            s.execute("CREATE TABLE cards (id INT PRIMARY KEY, pan VARCHAR(32), cvv VARCHAR(4), holder VARCHAR(100),"
                    + " doc JSON, limit_cents BIGINT)");
            s.execute("CREATE TABLE orders (id INT PRIMARY KEY, pan VARCHAR(32))");
        }
    }

    @AfterEach
    void closeDatabase() throws SQLException {
        for (Statement s : statements) {
            s.close();
        }
        db.close();
    }

    @Test
    void findsTheRuleThroughTheDriversSchemaTableAndColumn() throws SQLException {
        ResultMasking plan = plan("SELECT id, pan, cvv FROM cards", null);
        assertNull(plan.mask(1));
        assertEquals("column:public.cards.pan", plan.mask(2).ruleId());
        assertEquals("column:*.cards.cvv", plan.mask(3).ruleId());
        assertEquals(3, plan.columnCount());
    }

    @Test
    void followsAnAliasThroughTheDriversBaseColumn() throws SQLException {
        ResultMasking plan = plan("SELECT pan AS p, c.cvv AS \"Code\" FROM cards c", null);
        assertEquals("column:public.cards.pan", plan.mask(1).ruleId());
        assertEquals("column:*.cards.cvv", plan.mask(2).ruleId());
        assertEquals("p", plan.label(1));
        assertEquals("code", plan.label(2));
    }

    @Test
    void masksAnExpressionOverAMaskedColumnThroughTheParsedQuery() throws SQLException {
        String sql = "SELECT upper(c.cvv) AS x, c.holder FROM cards c";
        assertNull(plan(sql, null).mask(1), "H2 names no table for an expression: the driver alone cannot tell");
        ResultMasking plan = plan(sql, select(Set.of("cards"),
                new ResultColumn(1, "x", Set.of("cards.cvv")), new ResultColumn(2, "holder", Set.of("cards.holder"))));
        assertEquals("column:*.cards.cvv", plan.mask(1).ruleId());
        assertNull(plan.mask(2));
    }

    @Test
    void mapsItemsAroundAStarFromBothEnds() throws SQLException {
        ResultMasking plan = plan("SELECT lower(c.cvv) AS a, c.*, 'x' AS b, upper(c.cvv) AS z FROM cards c",
                select(Set.of("cards"), new ResultColumn(1, "a", Set.of("cards.cvv")),
                        new ResultColumn(2, "*", Set.of("cards.*")), new ResultColumn(3, "b", Set.of()),
                        new ResultColumn(4, "z", Set.of("cards.cvv"))));
        // a, then id, pan, cvv, holder, doc, limit_cents from the star, then b and z
        assertEquals(9, plan.columnCount());
        assertEquals("column:*.cards.cvv", plan.mask(1).ruleId());
        assertNull(plan.mask(2));
        assertEquals("column:public.cards.pan", plan.mask(3).ruleId());
        assertEquals("column:*.cards.cvv", plan.mask(4).ruleId());
        assertNull(plan.mask(5));
        assertNull(plan.mask(8));
        assertEquals("column:*.cards.cvv", plan.mask(9).ruleId());
    }

    @Test
    void checksAStarsColumnsByTheirNamesWhenTheDriverNamesNoTable() throws SQLException {
        // The derived table hides the base table from H2; the analyzer still traces its star to cards.
        ResultMasking plan = plan("SELECT t.* FROM (SELECT id, lower(cvv) AS cvv FROM cards) t",
                select(Set.of("cards"), new ResultColumn(1, "t.*", Set.of("cards.*"))));
        assertNull(plan.mask(1));
        assertEquals("column:*.cards.cvv", plan.mask(2).ruleId());
    }

    @Test
    void checksEveryColumnAgainstEverySourceWhenTheItemsDoNotLineUp() throws SQLException {
        ResultMasking plan = plan("SELECT upper(c.cvv) AS x, 1 AS y FROM cards c",
                select(Set.of("cards"), new ResultColumn(1, "x", Set.of("cards.cvv"))));
        assertEquals("column:*.cards.cvv", plan.mask(1).ruleId());
        assertEquals("column:*.cards.cvv", plan.mask(2).ruleId());
    }

    @Test
    void masksAColumnTheDriverCannotTraceWhenTheSelectListIsNotDerivable() throws SQLException {
        // no result columns: the analyzer could not map the select list, so any rule on a table read applies
        ResultMasking plan = plan("SELECT id, upper(c.holder) AS x FROM cards c", select(Set.of("public.cards")));
        assertNull(plan.mask(1), "the driver traces id to cards.id, which has no rule");
        assertTrue(plan.mask(2) != null, "x may be any column of cards, pan and cvv included");
    }

    @Test
    void masksEveryColumnTheDriverCannotTraceWhenTheStatementWasNotUnderstood() throws SQLException {
        SqlStatement unknown = SqlStatement.unknown("the parser gave up");
        AnalyzedSql sql = new AnalyzedSql(new SqlAction(List.of(unknown)), "?", "?", 0);
        ResultMasking plan = plan("SELECT id, upper(c.holder) AS x, 1 AS one FROM cards c", sql);
        assertNull(plan.mask(1), "the driver traces id to cards.id, which has no rule");
        assertTrue(plan.mask(2) != null, "x could be anything");
        assertTrue(plan.mask(3) != null, "so could one");
    }

    @Test
    void theStricterRuleWinsWhenAColumnComesFromSeveralSources() throws SQLException {
        ResultMasking plan = plan("SELECT c.pan || c.cvv AS x FROM cards c",
                select(Set.of("cards"), new ResultColumn(1, "x", Set.of("public.cards.pan", "cards.cvv"))));
        assertEquals(MaskStrategy.NULL, plan.mask(1).strategy());
        assertEquals("column:*.cards.cvv", plan.mask(1).ruleId());
    }

    @Test
    void aWholeRowSourceMeetsEveryRuleOnItsTable() throws SQLException {
        ResultMasking plan = plan("SELECT concat(c.id, c.holder) AS j FROM cards c",
                select(Set.of("cards"), new ResultColumn(1, "j", Set.of("cards.*"))));
        assertTrue(plan.mask(1) != null, "a whole-row expression may carry any column of cards");
    }

    @Test
    void aBareColumnSourceMeetsRulesByColumnName() throws SQLException {
        ResultMasking plan = plan("SELECT upper(cvv) AS x FROM cards",
                select(Set.of("cards"), new ResultColumn(1, "x", Set.of("cvv"))));
        assertEquals("column:*.cards.cvv", plan.mask(1).ruleId());
    }

    @Test
    void aSourceInAnotherTableDoesNotMeetATableRule() throws SQLException {
        ResultMasking plan = plan("SELECT upper(o.pan) AS x FROM orders o",
                select(Set.of("orders"), new ResultColumn(1, "x", Set.of("orders.pan"))));
        assertNull(plan.mask(1));
        assertNull(plan("SELECT pan FROM orders", null).mask(1));
    }

    @Test
    void aSchemaQualifiedSourceMeetsOnlyRulesOfItsSchema() throws SQLException {
        String sql = "SELECT upper(pan) AS x FROM cards";
        assertNull(plan(sql, select(Set.of("billing.cards"),
                new ResultColumn(1, "x", Set.of("billing.cards.pan")))).mask(1));
        assertEquals("column:public.cards.pan", plan(sql, select(Set.of("public.cards"),
                new ResultColumn(1, "x", Set.of("public.cards.pan")))).mask(1).ruleId());
        assertEquals("column:public.cards.pan", plan(sql, select(Set.of("cards"),
                new ResultColumn(1, "x", Set.of("cards.pan")))).mask(1).ruleId(), "an unknown schema may be public");
    }

    @Test
    void aStarOverNoKnownTableChangesNothing() throws SQLException {
        ResultMasking plan = plan("SELECT * FROM cards", select(Set.of("cards"), new ResultColumn(1, "*", Set.of())));
        assertNull(plan.mask(1));
        assertEquals("column:public.cards.pan", plan.mask(2).ruleId());
    }

    @Test
    void notesJsonAndCardSizedNumberColumns() throws SQLException {
        ResultMasking plan = plan("SELECT id, doc, limit_cents, holder FROM cards", null);
        assertFalse(plan.isJson(1));
        assertTrue(plan.isJson(2));
        assertFalse(plan.isNumeric(1), "an INT holds ten digits at most");
        assertTrue(plan.isNumeric(3));
        assertFalse(plan.isNumeric(4));
    }

    @Test
    void rejectsANegativeRowLimit() throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM cards")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ResultMasking.forQuery(MASKER, null, rs.getMetaData(), -1, null));
            assertEquals("rowLimit is -1, allowed are 0 (no limit) or more rows", e.getMessage());
        }
    }

    @Test
    void keepsTheRowLimitAndAQuietListener() throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM cards")) {
            ResultMasking plan = ResultMasking.forQuery(MASKER, null, rs.getMetaData(), 25, null);
            assertEquals(25, plan.rowLimit());
            plan.listener().closed(0, false, java.util.Map.of()); // no listener given: nothing happens
        }
    }

    @Test
    void stricterPrefersWhatHidesMore() throws SQLException {
        ColumnMask pan = plan("SELECT pan FROM cards", null).mask(1);
        ColumnMask cvv = plan("SELECT cvv FROM cards", null).mask(1);
        assertEquals(cvv, ResultMasking.stricter(pan, cvv));
        assertEquals(cvv, ResultMasking.stricter(cvv, pan));
        assertEquals(pan, ResultMasking.stricter(null, pan));
        assertEquals(pan, ResultMasking.stricter(pan, null));
    }

    // ---------------------------------------------------------------- fixture

    private ResultMasking plan(String sql, AnalyzedSql analyzed) throws SQLException {
        Statement s = db.createStatement();
        statements.add(s);
        ResultSet rs = s.executeQuery(sql);
        return ResultMasking.forQuery(MASKER, analyzed, rs.getMetaData(), 0, null);
    }

    private static AnalyzedSql select(Set<String> tablesRead, ResultColumn... columns) {
        SqlStatement select = new SqlStatement(StatementKind.SELECT, tablesRead, Set.of(), Set.of(), Set.of(),
                false, Set.of(), null);
        return new AnalyzedSql(new SqlAction(List.of(select)), "SELECT ?", "SELECT ?", 0, List.of(columns));
    }
}

package dev.agentguard.jdbc.sql;

import net.sf.jsqlparser.expression.ExpressionVisitorAdapter;
import net.sf.jsqlparser.statement.StatementVisitor;
import net.sf.jsqlparser.statement.select.FromItemVisitor;
import net.sf.jsqlparser.statement.select.SelectVisitor;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A statement, query or FROM-item type that the analysis does not handle itself would fall to a
 * library default. Abstract methods are caught by the compiler; this test catches the defaults.
 */
class StatementAnalysisCompletenessTest {

    @Test
    void handlesEveryStatementTypeItself() throws Exception {
        assertEquals(List.of(), unhandled(StatementVisitor.class, StatementAnalysis.class));
    }

    @Test
    void handlesEveryQueryAndFromItemTypeItself() throws Exception {
        assertEquals(List.of(), unhandled(SelectVisitor.class, inner("Queries")));
        assertEquals(List.of(), unhandled(FromItemVisitor.class, inner("FromItems")));
    }

    @Test
    void theExpressionWalkExtendsTheAdapterThatVisitsChildren() throws Exception {
        // the adapter walks children of every expression type; the reach check covers the rest
        assertEquals(ExpressionVisitorAdapter.class, inner("Expressions").getSuperclass());
    }

    private static Class<?> inner(String simpleName) throws ClassNotFoundException {
        return Class.forName(StatementAnalysis.class.getName() + "$" + simpleName);
    }

    /** The visit(X, S) methods of {@code visitor} that {@code implementation} does not declare. */
    private static List<String> unhandled(Class<?> visitor, Class<?> implementation) {
        List<String> missing = new ArrayList<>();
        for (Method method : visitor.getMethods()) {
            if (!method.getName().equals("visit") || method.getParameterCount() != 2
                    || Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            try {
                implementation.getDeclaredMethod("visit", method.getParameterTypes());
            } catch (NoSuchMethodException e) {
                missing.add(method.getParameterTypes()[0].getSimpleName());
            }
        }
        return missing;
    }
}

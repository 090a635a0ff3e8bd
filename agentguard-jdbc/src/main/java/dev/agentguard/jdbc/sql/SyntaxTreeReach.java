package dev.agentguard.jdbc.sql;

import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.statement.select.PlainSelect;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks that the analysis reached every column reference and every SELECT block of a syntax
 * tree. The walk in {@link StatementAnalysis} follows the expression and clause types it knows;
 * this check follows every field of every JSqlParser node instead, so a column or sub-query in a
 * position the walk does not follow (a new clause, an unusual function syntax) makes the
 * statement UNKNOWN instead of silently escaping column rules and masking.
 */
final class SyntaxTreeReach {

    private static final String NODE_PACKAGE = "net.sf.jsqlparser.";
    /** The parser's own token and node classes link to the whole parse, not the tree. */
    private static final String PARSER_PACKAGE = "net.sf.jsqlparser.parser.";

    private static final ClassValue<List<Field>> FIELDS = new ClassValue<>() {
        @Override
        protected List<Field> computeValue(Class<?> type) {
            List<Field> fields = new ArrayList<>();
            for (Class<?> c = type; c != null && c.getName().startsWith(NODE_PACKAGE); c = c.getSuperclass()) {
                for (Field field : c.getDeclaredFields()) {
                    if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
                        continue;
                    }
                    field.setAccessible(true);
                    fields.add(field);
                }
            }
            return List.copyOf(fields);
        }
    };

    private SyntaxTreeReach() {
    }

    /**
     * Describes the first column or SELECT block of {@code root} that is not in {@code reached},
     * or returns null when the analysis reached them all.
     */
    static String firstUnreached(Object root, Set<Object> reached) {
        Set<Object> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        // ArrayList, not ArrayDeque: node fields are often null
        List<Object> pending = new ArrayList<>();
        pending.add(root);
        while (!pending.isEmpty()) {
            Object node = pending.remove(pending.size() - 1);
            if (node == null || !visited.add(node)) {
                continue;
            }
            if (node instanceof Column && !reached.contains(node)) {
                return "a column reference";
            }
            if (node instanceof PlainSelect && !reached.contains(node)) {
                return "a sub-query";
            }
            if (node instanceof Collection<?> collection) {
                collection.forEach(pending::add);
            } else if (node instanceof Map<?, ?> map) {
                map.forEach((k, v) -> {
                    pending.add(k);
                    pending.add(v);
                });
            } else if (node instanceof Object[] array) {
                for (Object element : array) {
                    pending.add(element);
                }
            } else {
                String name = node.getClass().getName();
                if (name.startsWith(NODE_PACKAGE) && !name.startsWith(PARSER_PACKAGE)) {
                    for (Field field : FIELDS.get(node.getClass())) {
                        try {
                            pending.add(field.get(node));
                        } catch (IllegalAccessException e) {
                            return "a syntax node the check cannot read";
                        }
                    }
                }
            }
        }
        return null;
    }
}

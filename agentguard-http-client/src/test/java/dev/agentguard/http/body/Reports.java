package dev.agentguard.http.body;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Collects the reports of a masking handler. */
final class Reports implements Consumer<BodyReport> {
    final List<BodyReport> all = new CopyOnWriteArrayList<>();
    private final CountDownLatch first = new CountDownLatch(1);

    @Override
    public void accept(BodyReport report) {
        all.add(report);
        first.countDown();
    }

    /** The one report, waited for. */
    BodyReport only() throws InterruptedException {
        assertTrue(first.await(10, TimeUnit.SECONDS), "no report within 10 s");
        assertEquals(1, all.size(), "reports: " + all);
        return all.get(0);
    }
}

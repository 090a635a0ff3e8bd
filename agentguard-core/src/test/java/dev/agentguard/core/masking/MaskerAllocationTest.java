package dev.agentguard.core.masking;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The masker sits on the path of every text value a channel returns: text without a hit must
 * cost no allocation. Measured with the JVM's per-thread allocation counter, not with time, so
 * the test does not depend on the machine's speed.
 */
class MaskerAllocationTest {
    private static final String[] CLEAN = {
            "hello world", // no trigger at all
            "order 12345 shipped 2024-01-05 to customer 778899 at 10:30", // digits: number detectors run
            "ts 1700000000004 id 9000000000000001 ref 4111111111111112", // long Luhn-valid numbers, no brand
            "they say github keys -- not here", // secret prefixes' first letters
            "price@10.00", // an @ without an address
    };

    @Test
    void masksTextWithoutHitsWithoutAllocating() {
        Masker masker = MaskingRules.defaults().masker();
        MaskTally tally = new MaskTally();
        for (int i = 0; i < 20_000; i++) { // warm up: thread-local buffers, JIT
            for (String text : CLEAN) {
                assertSame(text, masker.maskText(text, tally));
            }
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        int calls = 0;
        for (int i = 0; i < 20_000; i++) {
            for (String text : CLEAN) {
                if (masker.maskText(text, tally) != text) {
                    throw new AssertionError("masked " + text);
                }
                calls++;
            }
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        // A few hundred bytes for the measurement itself; one object per call would be >= 1.6 MB.
        assertTrue(allocated < 16_384, allocated + " bytes allocated over " + calls + " calls");
    }

    @Test
    void columnMaskAllocatesOnlyTheMaskedValue() {
        ColumnMask mask = MaskingRules.builder().column("*.cards.pan", MaskStrategy.PARTIAL).build().masker()
                .columnMask("public", "cards", "pan");
        for (int i = 0; i < 20_000; i++) {
            mask.mask("4111111111111111");
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 10_000; i++) {
            mask.mask("4111111111111111");
        }
        long perCall = (threads.getThreadAllocatedBytes(thread) - before) / 10_000;
        // The result String and its bytes (~24 + 32) plus a char[] working copy (~48); no more.
        assertTrue(perCall <= 128, perCall + " bytes per masked value");
    }
}

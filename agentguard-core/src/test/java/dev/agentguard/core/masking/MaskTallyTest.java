package dev.agentguard.core.masking;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MaskTallyTest {
    @Test
    void countsPerFieldAndPerRuleInFirstSeenOrder() {
        MaskTally tally = new MaskTally();
        tally.add("pan", "column:*.cards.pan");
        tally.add("notes", "email");
        tally.add("pan", "column:*.cards.pan");
        tally.add("notes", "pan");
        assertEquals(List.of(Map.entry("masked.pan", 2L), Map.entry("masked.notes", 2L)),
                List.copyOf(tally.counts().entrySet()));
        assertEquals(Map.of("column:*.cards.pan", 2L, "email", 1L, "pan", 1L), tally.countsByRule());
        assertEquals(4, tally.total());
    }

    @Test
    void startsEmpty() {
        MaskTally tally = new MaskTally();
        assertEquals(Map.of(), tally.counts());
        assertEquals(0, tally.total());
    }

    @Test
    void countsAreSnapshots() {
        MaskTally tally = new MaskTally();
        tally.add("pan", "pan");
        Map<String, Long> before = tally.counts();
        tally.add("pan", "pan");
        assertEquals(Map.of("masked.pan", 1L), before);
        assertThrows(UnsupportedOperationException.class, () -> before.put("masked.x", 1L));
    }

    @Test
    void rejectsNulls() {
        MaskTally tally = new MaskTally();
        assertEquals("field", assertThrows(NullPointerException.class, () -> tally.add(null, "pan")).getMessage());
        assertEquals("what", assertThrows(NullPointerException.class, () -> tally.add("pan", null)).getMessage());
    }
}

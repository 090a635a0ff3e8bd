package dev.agentguard.core.masking;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ColumnMaskTest {
    private final Masker masker = MaskingRules.builder()
            .column("public.cards.pan", MaskStrategy.PARTIAL)
            .column("*.cards.cvv", MaskStrategy.NULL)
            .column("*.*.card_number", MaskStrategy.REDACT)
            .column("billing.email", MaskStrategy.PARTIAL)
            .column("*pan*", MaskStrategy.KEYED_HASH)
            .hashKey(MaskerTest.KEY)
            .build().masker();

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
            "public, cards, pan, column:public.cards.pan",
            "PUBLIC, Cards, PAN, column:public.cards.pan", // case-insensitive
            "other, cards, pan, column:*pan*", // first rule wants schema public; the glob on the column catches it
            "public, cards, cvv, column:*.cards.cvv",
            "sales, CARDS, CVV, column:*.cards.cvv",
            "x, y, card_number, column:*.*.card_number",
            "crm, billing, email, column:billing.email", // two parts match the trailing table.column
            "null, null, cvv, column:*.cards.cvv", // table unknown: matched, fail closed
            "'', '', cvv, column:*.cards.cvv", // PostgreSQL's empty table name is unknown too
            "public, orders, expanded_pan_hash, column:*pan*",
    })
    void findsTheFirstMatchingRule(String schema, String table, String column, String ruleId) {
        assertEquals(ruleId, masker.columnMask(schema, table, column).ruleId());
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {"public, orders, total", "public, cards, expiry", "crm, contacts, email",
            "null, null, name"})
    void givesNoMaskWhenNoRuleMatches(String schema, String table, String column) {
        assertNull(masker.columnMask(schema, table, column));
    }

    @Test
    void returnsThePreparedMaskEachTime() {
        assertSame(masker.columnMask("public", "cards", "cvv"), masker.columnMask("s", "cards", "cvv"));
        assertTrue(masker.hasColumnRules());
        assertFalse(MaskingRules.defaults().masker().hasColumnRules());
        assertNull(MaskingRules.defaults().masker().columnMask("public", "cards", "pan"));
    }

    @Test
    void aPatternWithFewerPartsMatchesTheTrailingParts() {
        Masker m = MaskingRules.builder().column("cards.pan", MaskStrategy.REDACT).build().masker();
        assertEquals("column:cards.pan", m.columnMask("public", "cards", "pan").ruleId());
        assertEquals("column:cards.pan", m.columnMask("billing", "cards", "pan").ruleId());
        assertNull(m.columnMask("public", "orders", "pan"));
        assertNull(m.columnMask("public", "cards", "pan_hash"));
    }

    @Test
    void globsTakeStarAndQuestionMark() {
        assertTrue(ColumnPattern.glob("c?v", "cvv"));
        assertFalse(ColumnPattern.glob("c?v", "cvvv"));
        assertTrue(ColumnPattern.glob("*pan*", "pan"));
        assertTrue(ColumnPattern.glob("*pan*", "card_pan_enc"));
        assertFalse(ColumnPattern.glob("*pan*", "pa_n"));
        assertTrue(ColumnPattern.glob("card_*_num*", "card_primary_number"));
        assertTrue(ColumnPattern.glob("*", ""));
        assertTrue(ColumnPattern.glob("pan", "PAN"));
        assertFalse(ColumnPattern.glob("pan", "pans"));
        assertTrue(ColumnPattern.glob("**a*", "bba"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "4111111111111111 | 411111******1111",
            "4111-1111-1111-1111 | 4111-11**-****-1111",
            "378282246310005 | 378282*****0005",
            "john.doe@example.com | j***@example.com",
            "123-45-6789 | ***-**-6789",
            "555-123-4567 | ***-***-4567",
            "Johnathan | *****than",
            "123 | ***",
            "Jo | **",
            "'' | ''",
    })
    void partialMasksWholeValues(String raw, String masked) {
        Masker m = MaskingRules.builder().column("t.c", MaskStrategy.PARTIAL).build().masker();
        assertEquals(masked, m.columnMask(null, "t", "c").mask(raw));
    }

    @Test
    void partialRespectsTheConfiguredLimits() {
        Masker m = MaskingRules.builder().column("pan", MaskStrategy.PARTIAL).partialKeepFirst(0).build().masker();
        assertEquals("************1111", m.columnMask(null, null, "pan").mask("4111111111111111"));
    }

    @Test
    void partialMasksUnicodeValuesByCodePoint() {
        ColumnMask mask = MaskingRules.builder().column("c", MaskStrategy.PARTIAL).build().masker()
                .columnMask(null, null, "c");
        String pan = Found.inScript("4111111111111111", 0xFF10);
        assertEquals(Found.inScript("411111", 0xFF10) + "******" + Found.inScript("1111", 0xFF10), mask.mask(pan));
        assertEquals("j***@bücher.de", mask.mask("jürgen@bücher.de"));
        assertEquals("*****en12", mask.mask("Mädchen12"));
    }

    @Test
    void eachStrategyMasksAWholeValue() {
        assertEquals("[REDACTED]", masker.columnMask("s", "t", "card_number").mask("4111111111111111"));
        assertNull(masker.columnMask("s", "cards", "cvv").mask("123"));
        assertEquals("[HASH:0622241201382a45]", masker.columnMask("s", "t", "pan").mask("4111111111111111"));
        assertEquals("411111******1111", masker.columnMask("public", "cards", "pan").mask("4111111111111111"));
    }

    @Test
    void aNullValueStaysNullUnderEveryStrategy() {
        for (MaskStrategy strategy : MaskStrategy.values()) {
            ColumnMask mask = MaskingRules.builder().column("c", strategy).hashKey(MaskerTest.KEY).build().masker()
                    .columnMask(null, null, "c");
            assertNull(mask.mask(null), strategy.name());
            assertEquals(strategy, mask.strategy());
        }
    }
}

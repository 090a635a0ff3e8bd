package dev.agentguard.core.policy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NamePatternTest {

    private static NamePattern table(String p) {
        return NamePattern.compile("table pattern", p, 3, true);
    }

    private static NamePattern column(String p) {
        return NamePattern.compile("column pattern", p, 4, true);
    }

    @Test
    void comparesTrailingPartsSoSchemasAreOptionalOnEitherSide() {
        assertTrue(table("cards").matches("public.cards"));
        assertTrue(table("public.cards").matches("cards"));
        assertTrue(table("public.cards").matches("public.cards"));
        assertTrue(table("db.public.cards").matches("public.cards"));
        assertFalse(table("public.cards").matches("archive.cards"));
        assertFalse(table("cards").matches("public.cards_backup"));
    }

    @Test
    void globsStayWithinOnePart() {
        assertTrue(column("*.cards.pan").matches("public.cards.pan"));
        assertTrue(column("*.cards.pan").matches("cards.pan"));
        assertTrue(column("*pan*").matches("public.cards.card_pan_hash"));
        assertFalse(column("*pan*").matches("public.pan_tables.id"));
        assertTrue(column("c?rds.pan").matches("CARDS.PAN"));
        assertFalse(column("c?rds.pan").matches("caards.pan"));
        assertTrue(column("*a*b*c").matches("xaxbxc"));
        assertFalse(column("*a*b*c").matches("xaxcxb"));
        assertTrue(column("**").matches("anything"));
    }

    @Test
    void matchesCaseInsensitively() {
        assertTrue(table("Public.CARDS").matches("public.cards"));
        assertTrue(table("public.cards").matches("PUBLIC.Cards"));
        assertTrue(table("card*").matches("CARD_TOKENS"));
    }

    @Test
    void aStarReadMayOverlapEveryColumnOfItsTable() {
        assertTrue(column("cards.cvv").mayOverlapColumn("cards.*"));
        assertTrue(column("cards.cvv").mayOverlapColumn("public.cards.*"));
        assertTrue(column("public.cards.cvv").mayOverlapColumn("cards.*"));
        assertFalse(column("cards.cvv").mayOverlapColumn("orders.*"));
        assertTrue(column("cvv").mayOverlapColumn("orders.*"));
        assertTrue(column("cards.cvv").mayOverlapStarOf("public.cards"));
        assertFalse(column("cards.cvv").mayOverlapStarOf("public.orders"));
    }

    @Test
    void onlyAStarColumnPatternCoversAStarRead() {
        assertTrue(column("cards.*").coversStarOf("public.cards"));
        assertTrue(column("*").coversStarOf("public.cards"));
        assertFalse(column("cards.p*").coversStarOf("cards"));
        assertFalse(column("cards.pan").coversStarOf("cards"));
        assertFalse(column("cards.*").coversStarOf("orders"));
    }

    @Test
    void onlyAPatternWithoutWildcardsNamesAFormExactly() {
        assertTrue(NamePattern.compile("f", "pg_sleep", 3, true).namesExactly("pg_sleep"));
        assertTrue(NamePattern.compile("f", "pg_catalog.pg_sleep", 3, true).namesExactly("pg_sleep"));
        assertFalse(NamePattern.compile("f", "pg_*", 3, true).namesExactly("pg_sleep"));
        assertFalse(NamePattern.compile("f", "*", 3, true).namesExactly("pg_sleep"));
    }

    @Test
    void anUndottedPatternMatchesTheWholeName() {
        NamePattern id = NamePattern.compile("agent id", "batch-*", 1, false);

        assertTrue(id.matches("batch-nightly"));
        assertTrue(id.matches("batch-v1.2"));
        assertFalse(id.matches("svc.batch-nightly"));
    }

    @Test
    void rejectsMalformedPatternsNamingThem() {
        assertEquals("table pattern must not be empty; remove the entry or write a name",
                assertThrows(IllegalArgumentException.class, () -> table(" ")).getMessage());
        assertEquals("table pattern \"a.b.c.d\" has 4 dotted parts; at most 3 are allowed",
                assertThrows(IllegalArgumentException.class, () -> table("a.b.c.d")).getMessage());
        assertEquals("table pattern \".cards\" has an empty part; write names separated by single dots, such as "
                + "public.cards", assertThrows(IllegalArgumentException.class, () -> table(".cards")).getMessage());
        assertEquals("table pattern \"`cards`\" contains a quote; write the name without quotes (matching is "
                + "case-insensitive)", assertThrows(IllegalArgumentException.class, () -> table("`cards`")).getMessage());
    }
}

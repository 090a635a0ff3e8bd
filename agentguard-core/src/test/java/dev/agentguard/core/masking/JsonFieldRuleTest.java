package dev.agentguard.core.masking;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonFieldRuleTest {
    private static final String FORM = "write a JSON pointer such as /card/number or /cards/*/number"
            + " (~1 for a / and ~0 for a ~ inside a name, * for any one member or index)";

    @Test
    void matchesThePointedToPathExactly() {
        Masker masker = MaskingRules.builder().jsonField("/card/number", MaskStrategy.PARTIAL).build().masker();
        ColumnMask mask = masker.jsonFieldMask(List.of("card", "number"), true);
        assertEquals("json:/card/number", mask.ruleId());
        assertEquals(MaskStrategy.PARTIAL, mask.strategy());
        assertEquals("411111******1111", mask.mask("4111111111111111"));
        assertNull(masker.jsonFieldMask(List.of("number"), true));
        assertNull(masker.jsonFieldMask(List.of("card", "number", "x"), true));
        assertNull(masker.jsonFieldMask(List.of("Card", "number"), true), "pointers are case-sensitive, as JSON is");
        assertTrue(masker.hasJsonFieldRules());
    }

    @Test
    void readsWildcardsEscapesAndIndexes() {
        Masker masker = MaskingRules.builder()
                .jsonField("/cards/*/number", MaskStrategy.REDACT)
                .jsonField("/a~1b/c~0d", MaskStrategy.REDACT)
                .jsonField("/rows/0", MaskStrategy.NULL)
                .jsonField("/", MaskStrategy.REDACT)
                .build().masker();
        assertEquals("json:/cards/*/number", masker.jsonFieldMask(List.of("cards", "7", "number"), true).ruleId());
        assertEquals("json:/cards/*/number", masker.jsonFieldMask(List.of("cards", "any", "number"), true).ruleId());
        assertEquals("json:/a~1b/c~0d", masker.jsonFieldMask(List.of("a/b", "c~d"), true).ruleId());
        assertEquals("json:/rows/0", masker.jsonFieldMask(List.of("rows", "0"), false).ruleId());
        assertNull(masker.jsonFieldMask(List.of("rows", "1"), false));
        assertEquals("json:/", masker.jsonFieldMask(List.of(""), true).ruleId(), "/ is the member named \"\"");
    }

    @Test
    void triesPointerRulesBeforeColumnRulesAndColumnRulesOnlyOnMemberNames() {
        Masker masker = MaskingRules.builder()
                .column("*.cards.pan", MaskStrategy.REDACT)
                .column("card_*", MaskStrategy.NULL)
                .jsonField("/payment/pan", MaskStrategy.PARTIAL)
                .build().masker();
        assertEquals("json:/payment/pan", masker.jsonFieldMask(List.of("payment", "pan"), true).ruleId());
        assertEquals("column:*.cards.pan", masker.jsonFieldMask(List.of("x", "PAN"), true).ruleId(),
                "the column part matches a member name anywhere, case-insensitively");
        assertEquals("column:card_*", masker.jsonFieldMask(List.of("card_number"), true).ruleId());
        assertNull(masker.jsonFieldMask(List.of("list", "pan"), false), "an array element has no name");
        assertNull(masker.jsonFieldMask(List.of(), false), "the document itself");
        assertNull(masker.jsonFieldMask(List.of(""), true), "an empty name is a name, not an unknown one");
        assertFalse(MaskingRules.builder().column("pan", MaskStrategy.REDACT).build().masker().hasJsonFieldRules());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "card/number", "/a~2b", "/a~"})
    void refusesAMalformedPointer(String pointer) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MaskingRules.builder().jsonField(pointer, MaskStrategy.REDACT));
        String why = pointer.isEmpty() || pointer.charAt(0) != '/' ? "does not start with /" : "has a ~ not followed by 0 or 1";
        assertEquals("JSON field pointer \"" + pointer + "\" " + why + ": " + FORM, e.getMessage());
    }

    @Test
    void refusesAPointerTooDeepAndOneGivenTwice() {
        String deep = "/a".repeat(65);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MaskingRules.builder().jsonField(deep, MaskStrategy.REDACT));
        assertEquals("JSON field pointer \"" + deep + "\" has 65 segments, at most 64 are allowed: " + FORM, e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MaskingRules.builder()
                .jsonField("/card/cvv", MaskStrategy.REDACT).jsonField(" /card/cvv ", MaskStrategy.NULL));
        assertEquals("JSON field pointer \"/card/cvv\" is given twice; the first matching rule wins, so the second would"
                + " never apply: keep one", e.getMessage());
    }

    @Test
    void needsAKeyForKeyedHashLikeEveryOtherRule() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MaskingRules.builder().jsonField("/email", MaskStrategy.KEYED_HASH).build());
        assertTrue(e.getMessage().startsWith("masking strategy KEYED_HASH is used by JSON field \"/email\" but no hash key"
                + " is set"), e.getMessage());
    }

    @Test
    void isKeptByToBuilderAndShownByToString() {
        MaskingRules rules = MaskingRules.builder().jsonField("/card/number", MaskStrategy.PARTIAL).build();
        MaskingRules copy = rules.toBuilder().build();
        assertEquals(List.of(new JsonFieldRule("/card/number", MaskStrategy.PARTIAL)), copy.jsonFieldRules());
        assertTrue(rules.toString().contains("jsonFields=[/card/number=PARTIAL]"), rules.toString());
        assertEquals(List.of(), MaskingRules.defaults().jsonFieldRules());
        assertSame(rules.masker(), rules.masker());
    }
}

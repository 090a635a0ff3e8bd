package dev.agentguard.core.masking;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MaskingRulesTest {
    private static final String FORM = "write column, table.column or schema.table.column, each part a name or a glob"
            + " with * and ?";

    @Test
    void defaultsTurnEveryDetectorOnWithPanShownPartially() {
        MaskingRules rules = MaskingRules.defaults();
        Map<String, MaskStrategy> expected = new LinkedHashMap<>();
        expected.put("track", MaskStrategy.REDACT);
        expected.put("pan", MaskStrategy.PARTIAL);
        expected.put("cvv", MaskStrategy.REDACT);
        expected.put("iban", MaskStrategy.REDACT);
        expected.put("ssn", MaskStrategy.REDACT);
        expected.put("email", MaskStrategy.REDACT);
        expected.put("secret", MaskStrategy.REDACT);
        assertEquals(List.copyOf(expected.entrySet()), List.copyOf(rules.detectorStrategies().entrySet()));
        assertEquals(List.of(), rules.columnRules());
        assertEquals(6, rules.partialKeepFirst());
        assertEquals(4, rules.partialKeepLast());
        assertFalse(rules.hasHashKey());
        assertEquals(List.copyOf(expected.keySet()), rules.masker().detectorNames());
        assertSame(rules.masker(), rules.masker());
    }

    @Test
    void builderStartsFromTheDefaults() {
        assertEquals(MaskingRules.defaults().detectorStrategies(), MaskingRules.builder().build().detectorStrategies());
    }

    @Test
    void detectorNamesAreCaseInsensitive() {
        MaskingRules rules = MaskingRules.builder().detector(" PAN ", MaskStrategy.REDACT).build();
        assertEquals(MaskStrategy.REDACT, rules.detectorStrategies().get("pan"));
    }

    @Test
    void rejectsAnUnknownDetector() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MaskingRules.builder().detector("phone", MaskStrategy.REDACT));
        assertEquals("unknown detector \"phone\": known detectors are track, pan, cvv, iban, ssn, email, secret",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MaskingRules.builder().disableDetector("card"));
        assertEquals("unknown detector \"card\": known detectors are track, pan, cvv, iban, ssn, email, secret",
                e.getMessage());
    }

    @Test
    void aDisabledDetectorCanBeEnabledAgain() {
        MaskingRules rules = MaskingRules.builder().disableDetector("ssn").detector("ssn", MaskStrategy.PARTIAL).build();
        assertEquals(MaskStrategy.PARTIAL, rules.detectorStrategies().get("ssn"));
    }

    @Test
    void refusesKeyedHashWithoutAKey() {
        MaskingRules.Builder b = MaskingRules.builder()
                .column("*.cards.pan", MaskStrategy.KEYED_HASH)
                .detector("email", MaskStrategy.KEYED_HASH);
        IllegalStateException e = assertThrows(IllegalStateException.class, b::build);
        assertEquals("masking strategy KEYED_HASH is used by column \"*.cards.pan\", detector \"email\" but no hash"
                + " key is set: set hashKey (e.g. from an environment variable holding `openssl rand -base64 32`) or"
                + " use another strategy; there is no unkeyed hash", e.getMessage());
        assertTrue(b.hashKey(MaskerTest.KEY).build().hasHashKey());
    }

    @Test
    void rejectsMalformedColumnPatterns() {
        assertEquals("masking column pattern is empty: " + FORM, patternError(" "));
        assertEquals("masking column pattern \"a.b.c.d\" has 4 parts, at most 3 are allowed: " + FORM,
                patternError("a.b.c.d"));
        assertEquals("masking column pattern \"a..b\" has an empty part: " + FORM, patternError("a..b"));
        assertEquals("masking column pattern \"cards.\" has an empty part: " + FORM, patternError("cards."));
        assertEquals("masking column pattern \"card s.pan\" contains whitespace: " + FORM, patternError("card s.pan"));
    }

    private static String patternError(String pattern) {
        return assertThrows(IllegalArgumentException.class,
                () -> MaskingRules.builder().column(pattern, MaskStrategy.REDACT)).getMessage();
    }

    @Test
    void rejectsTheSamePatternTwice() {
        MaskingRules.Builder b = MaskingRules.builder().column("*.cards.pan", MaskStrategy.PARTIAL);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> b.column("*.CARDS.pan", MaskStrategy.REDACT));
        assertEquals("masking column pattern \"*.CARDS.pan\" is given twice; the first matching rule wins, so the"
                + " second would never apply: keep one", e.getMessage());
    }

    @Test
    void rejectsPartialLimitsBeyondPci() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MaskingRules.builder().partialKeepFirst(8));
        assertEquals("partialKeepFirst is 8, allowed are 0 to 6: PCI DSS 3.4.1 allows showing at most the first 6"
                + " digits of a PAN", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MaskingRules.builder().partialKeepLast(5));
        assertEquals("partialKeepLast is 5, allowed are 0 to 4: PCI DSS 3.4.1 allows showing at most the last 4"
                + " digits of a PAN", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MaskingRules.builder().partialKeepLast(-1));
        assertEquals("partialKeepLast is -1, allowed are 0 to 4: PCI DSS 3.4.1 allows showing at most the last 4"
                + " digits of a PAN", e.getMessage());
    }

    @Test
    void showsEachBrandAsItsRulesAllow() {
        Masker m = MaskingRules.builder().column("*.cards.pan", MaskStrategy.PARTIAL)
                .partialForBrand(CardBrand.VISA, 8, 4).partialForBrand(CardBrand.AMEX, 0, 4).build().masker();

        assertEquals("41111111****1111", m.columnMask("public", "cards", "pan").mask("4111111111111111"),
                "8 + 4 of a 16-digit Visa with an 8-digit BIN");
        assertEquals("***********0005", m.columnMask("public", "cards", "pan").mask("378282246310005"), "Amex: last 4 only");
        assertEquals("555555******4444", m.columnMask("public", "cards", "pan").mask("5555555555554444"),
                "other brands keep the default 6 + 4");
        assertEquals("card 4111 1111 **** 1111 and **** ****** *0005",
                m.maskText("card 4111 1111 1111 1111 and 3782 822463 10005", null), "the PAN detector follows the brand too");
        assertEquals("422222***2222", m.columnMask(null, "cards", "pan").mask("4222222222222"),
                "beyond 6 only where 4 stay hidden: a 13-digit Visa shows 6 + 4");
    }

    @Test
    void rejectsBrandPartialLimitsBeyondTheBrandRules() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MaskingRules.builder().partialForBrand(CardBrand.VISA, 9, 4));
        assertEquals("partial keepFirst for VISA is 9, allowed are 0 to 8: a brand's BIN rules allow showing at most the "
                + "first 8 digits", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MaskingRules.builder().partialForBrand(CardBrand.JCB, 6, 5));
        assertEquals("partial keepLast for JCB is 5, allowed are 0 to 4: PCI DSS 3.4.1 allows showing at most the last 4"
                + " digits", e.getMessage());
    }

    @Test
    void rejectsCustomDetectorsWithBadOrTakenNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MaskingRules.builder().detector(named("Phone"), MaskStrategy.REDACT));
        assertEquals("detector name \"Phone\" of " + Named.class.getName() + " is not allowed: use lower-case letters,"
                + " digits, '-' and '_'", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MaskingRules.builder().detector(named("pan"), MaskStrategy.REDACT));
        assertEquals("detector name \"pan\" is already taken by " + PanDetector.class.getName() + ": give "
                + Named.class.getName() + " another name", e.getMessage());
    }

    @Test
    void toBuilderDerivesAVariant() {
        MaskingRules base = MaskingRules.builder().column("*.cards.pan", MaskStrategy.PARTIAL)
                .disableDetector("email").detector(named("phone"), MaskStrategy.REDACT).partialKeepFirst(0).build();
        MaskingRules variant = base.toBuilder().column("*.cards.cvv", MaskStrategy.NULL).build();
        assertEquals(List.of(new ColumnRule("*.cards.pan", MaskStrategy.PARTIAL),
                new ColumnRule("*.cards.cvv", MaskStrategy.NULL)), variant.columnRules());
        assertEquals(base.detectorStrategies(), variant.detectorStrategies());
        assertFalse(variant.detectorStrategies().containsKey("email"));
        assertEquals(MaskStrategy.REDACT, variant.detectorStrategies().get("phone"));
        assertEquals(0, variant.partialKeepFirst());
        assertEquals(1, base.columnRules().size());
    }

    @Test
    void toStringNeverShowsTheKey() {
        MaskingRules rules = MaskingRules.builder().column("*.cards.pan", MaskStrategy.KEYED_HASH)
                .hashKey(MaskerTest.KEY).build();
        assertEquals("MaskingRules[columns=[*.cards.pan=KEYED_HASH], detectors={track=REDACT, pan=PARTIAL, cvv=REDACT,"
                + " iban=REDACT, ssn=REDACT, email=REDACT, secret=REDACT}, partial=6/4, hashKey=set]", rules.toString());
    }

    @Test
    void columnRuleIdsNameThePattern() {
        assertEquals("column:*.cards.pan", new ColumnRule(" *.cards.pan ", MaskStrategy.REDACT).ruleId());
    }

    private static Detector named(String name) {
        return new Named(name);
    }

    private record Named(String name) implements Detector {
        @Override
        public void find(CharSequence text, HitSink sink) {
        }
    }
}

package dev.agentguard.core.policy;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Java side of HTTP conditions: normalised, validated, copied, with the file's messages. */
class HttpConditionTest {

    private static String rejected(Runnable build) {
        return assertThrows(IllegalArgumentException.class, build::run).getMessage();
    }

    @Test
    void normalisesMethodsSchemesAndHosts() {
        HttpCondition c = HttpCondition.builder().methods("get", "GET", " post ").schemes("HTTPS")
                .hosts(" API.Example.com ").build();

        assertEquals(List.of("GET", "POST"), c.methods());
        assertEquals(List.of("https"), c.schemes());
        assertEquals(List.of("api.example.com"), c.hosts());
        assertFalse(c.isEmpty());
        assertTrue(HttpCondition.ANY.isEmpty());
    }

    @Test
    void copiesItsLists() {
        List<String> paths = new ArrayList<>(List.of("/v1/**"));
        HttpCondition c = new HttpCondition(null, null, null, null, paths, null, null, null, null, null, null);
        paths.add("/admin/**");

        assertEquals(List.of("/v1/**"), c.paths());
        assertThrows(UnsupportedOperationException.class, () -> c.paths().add("/x"));
    }

    @Test
    void rejectsBadValuesWithTheFilesMessages() {
        assertEquals("port 0 is not a TCP port; use 1 to 65535",
                rejected(() -> HttpCondition.builder().ports(0).build()));
        assertEquals("header pattern must not be empty; remove the entry or write a name",
                rejected(() -> HttpCondition.builder().headers(" ").build()));
        assertEquals("queryEquals must not have an empty parameter name",
                rejected(() -> HttpCondition.builder().queryEquals(" ", "x").build()));
        assertEquals("bodySizeOver must be 0 or more bytes, got -5",
                rejected(() -> HttpCondition.builder().bodySizeOver(-5L).build()));
    }

    @Test
    void aJsonFieldNeedsABoundAndBoundsThatSomeValueMeets() {
        assertEquals("jsonField \"amount\" needs a bound: over (the value is greater) or atMost (the value is at most)",
                rejected(() -> new HttpCondition.JsonField("amount", null, null)));
        assertEquals("jsonField \"amount\": atMost 100.00 is not above over 100, so no value could match; raise atMost "
                + "or lower over", rejected(() -> new HttpCondition.JsonField("amount", new BigDecimal("100"),
                new BigDecimal("100.00"))));
        assertEquals("jsonField field must be a field name of 1 to 200 characters, such as amount",
                rejected(() -> HttpCondition.JsonField.over(" ", "1")));
    }
}

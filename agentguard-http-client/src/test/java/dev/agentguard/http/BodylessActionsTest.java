package dev.agentguard.http;

import dev.agentguard.core.action.HttpAction;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The actions a client keeps are exactly those the request's text makes, and only those. */
class BodylessActionsTest {

    private static final Map<String, List<String>> NO_HEADERS = Map.of();

    @Test
    void aRepeatedRequestGetsTheActionItsTextMakes() {
        BodylessActions actions = new BodylessActions();
        URI uri = URI.create("https://api.example.com/v1/orders/7");
        HttpAction first = actions.of("GET", uri, NO_HEADERS);
        assertEquals(HttpAction.of("GET", uri, NO_HEADERS, 0, Map.of()), first);
        assertSame(first, actions.of("GET", URI.create("https://api.example.com/v1/orders/7"), NO_HEADERS),
                "an equal URI made anew hits");
        assertEquals(1, actions.size());
    }

    @Test
    void aUriWithAQueryOrFragmentIsNeverKeptSinceItMayCarryASecret() {
        BodylessActions actions = new BodylessActions();
        URI withKey = URI.create("https://api.example.com/v1/orders?api_key=sk_live_51Hx");
        URI withFragment = URI.create("https://api.example.com/v1/orders#token=abc");
        assertEquals(HttpAction.of("GET", withKey, NO_HEADERS, 0, Map.of()), actions.of("GET", withKey, NO_HEADERS));
        assertEquals(HttpAction.of("GET", withFragment, NO_HEADERS, 0, Map.of()),
                actions.of("GET", withFragment, NO_HEADERS));
        assertEquals(0, actions.size());
    }

    @Test
    void methodUriTextAndHeaderNamesAreEachPartOfTheKey() {
        BodylessActions actions = new BodylessActions();
        URI uri = URI.create("https://api.example.com/a%2fb");
        HttpAction get = actions.of("GET", uri, NO_HEADERS);
        HttpAction delete = actions.of("DELETE", uri, NO_HEADERS);
        assertEquals("DELETE", delete.method());
        // URI.equals treats %2f and %2F alike; the kept action is the one this exact text makes.
        URI upper = URI.create("https://api.example.com/a%2Fb");
        HttpAction other = actions.of("GET", upper, NO_HEADERS);
        assertNotSame(get, other);
        assertEquals(HttpAction.of("GET", upper, NO_HEADERS, 0, Map.of()), other);
        Map<String, List<String>> withHeader = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        withHeader.put("X-Request-Id", List.of("7"));
        HttpAction named = actions.of("GET", uri, withHeader);
        assertEquals(HttpAction.of("GET", uri, withHeader, 0, Map.of()), named);
        assertNotSame(get, named);
        assertEquals(4, actions.size());
    }

    @Test
    void aMethodOverrideHeaderIsNeverKeptSinceItsValueIsPartOfTheAction() {
        BodylessActions actions = new BodylessActions();
        URI uri = URI.create("https://api.example.com/v1/orders/7");
        Map<String, List<String>> delete = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        delete.put("X-HTTP-Method-Override", List.of("DELETE"));
        Map<String, List<String>> patch = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        patch.put("X-HTTP-Method-Override", List.of("PATCH"));
        assertEquals(HttpAction.of("POST", uri, delete, 0, Map.of()), actions.of("POST", uri, delete));
        assertEquals(HttpAction.of("POST", uri, patch, 0, Map.of()), actions.of("POST", uri, patch),
                "the second override is decided as itself, not as the first");
        assertEquals(0, actions.size());
    }

    @Test
    void aUriTheGuardRefusesIsRefusedEveryTimeAndNotKept() {
        BodylessActions actions = new BodylessActions();
        URI bad = URI.create("http://0177.0.0.1/x");
        assertThrows(IllegalArgumentException.class, () -> actions.of("GET", bad, NO_HEADERS));
        assertThrows(IllegalArgumentException.class, () -> actions.of("GET", bad, NO_HEADERS));
        assertEquals(0, actions.size());
    }

    @Test
    void keepsAtMostItsCapacity() {
        BodylessActions actions = new BodylessActions();
        for (int i = 0; i < BodylessActions.CAPACITY * 3; i++) {
            URI uri = URI.create("https://api.example.com/items/" + i);
            assertEquals(HttpAction.of("GET", uri, NO_HEADERS, 0, Map.of()), actions.of("GET", uri, NO_HEADERS));
        }
        assertEquals(true, actions.size() <= BodylessActions.CAPACITY, "kept " + actions.size());
    }
}

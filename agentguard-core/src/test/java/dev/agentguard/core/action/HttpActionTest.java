package dev.agentguard.core.action;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP request as the policy sees it: normalised, validated, copied. */
class HttpActionTest {

    private static HttpAction get(String path) {
        return new HttpAction("GET", "https", "api.example.com", -1, path, false, Map.of(), Set.of(), 0, Map.of());
    }

    @Test
    void normalisesMethodSchemeHostAndDefaultPort() {
        HttpAction a = new HttpAction("post", "HTTPS", "API.Example.COM", -1, "/v1/refunds", false, Map.of(),
                Set.of("Content-Type", "X-Request-Id"), 42, Map.of("amount", "120.50"));

        assertEquals("POST", a.method());
        assertEquals("https", a.scheme());
        assertEquals("api.example.com", a.host());
        assertEquals(443, a.port());
        assertEquals(Set.of("content-type", "x-request-id"), a.headerNames());
        assertEquals("POST https://api.example.com/v1/refunds", a.describe());
        assertEquals(80, new HttpAction("GET", "http", "h", -1, "/", false, null, null, -1, null).port());
    }

    @Test
    void showsANonDefaultPortAndBracketsAnIpv6Host() {
        HttpAction a = HttpAction.of("GET", URI.create("http://[::1]:8080/x"), Set.of(), 0, Map.of());

        assertEquals("::1", a.host());
        assertEquals("GET http://[::1]:8080/x", a.describe());
    }

    @Test
    void resolvesDotSegmentsAndDropsEmptySegments() {
        assertEquals("/v1/orders", get("/v1/./x/../orders").path());
        assertEquals("/v1/orders/", get("/v1//orders/").path());
        assertEquals("/v1/", get("/v1/orders/..").path());
        assertEquals("/", get("/a/..").path());
        assertFalse(get("/a/../b").pathEscapes());
    }

    @Test
    void keepsAPathThatClimbsAboveTheRootAsGivenAndFlagsIt() {
        HttpAction a = get("/public/../../admin/users");

        assertTrue(a.pathEscapes());
        assertEquals("/public/../../admin/users", a.path());
    }

    @Test
    void readsADotSegmentWithPathParametersAsADotSegment() {
        assertEquals("/admin", get("/public/..;x=1/admin").path());
        assertTrue(get("/..;/admin").pathEscapes());
    }

    @Test
    void flagsADotDotSeparatedByABackslash() {
        HttpAction a = get("/public/..\\..\\admin");

        assertTrue(a.pathEscapes());
        assertEquals("/public/..\\..\\admin", a.path());
        assertFalse(get("/files/a\\b").pathEscapes());
    }

    @Test
    void decodesThePathBeforeNormalisingSoEncodedDotSegmentsCount() {
        HttpAction a = HttpAction.of("GET", URI.create("https://api.example.com/files/%2e%2e/%2E%2E/admin"), Set.of(),
                0, Map.of());

        assertTrue(a.pathEscapes());
        assertEquals("/admin", HttpAction.of("GET", URI.create("https://h/files%2F..%2Fadmin"), Set.of(), 0,
                Map.of()).path());
    }

    @Test
    void parsesTheQueryIntoAMultiMap() {
        HttpAction a = HttpAction.of("GET", URI.create("https://h/search?q=a+b&tag=x&tag=y&debug&e=%3D"), Set.of(), 0,
                Map.of());

        assertEquals(Map.of("q", List.of("a b"), "tag", List.of("x", "y"), "debug", List.of(""), "e", List.of("=")),
                a.queryParameters());
        assertEquals(List.of("q", "tag", "debug", "e"), new ArrayList<>(a.queryParameters().keySet()));
    }

    @Test
    void copiesWhatItIsGiven() {
        Map<String, List<String>> query = new HashMap<>();
        List<String> values = new ArrayList<>(List.of("1"));
        query.put("page", values);
        Set<String> headers = new LinkedHashSet<>(Set.of("accept"));
        Map<String, String> fields = new HashMap<>(Map.of("amount", "5"));

        HttpAction a = new HttpAction("GET", "https", "h", -1, "/", false, query, headers, 0, fields);
        values.add("2");
        query.put("other", List.of());
        headers.add("authorization");
        fields.put("amount", "500");

        assertEquals(Map.of("page", List.of("1")), a.queryParameters());
        assertEquals(Set.of("accept"), a.headerNames());
        assertEquals(Map.of("amount", "5"), a.jsonFields());
        assertThrows(UnsupportedOperationException.class, () -> a.queryParameters().put("x", List.of()));
    }

    @Test
    void readsARequestLine() {
        HttpAction a = HttpAction.ofRequestLine("  post https://API.example.com:8443/v1/refunds?x=1 ");

        assertEquals("POST https://api.example.com:8443/v1/refunds", a.describe());
        assertEquals(0, a.bodySize());
        assertEquals(Map.of("x", List.of("1")), a.queryParameters());
    }

    @Test
    void rejectsARequestLineWithoutAUrl() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HttpAction.ofRequestLine("POST"));
        assertEquals("an HTTP action is written \"METHOD URL\", such as \"POST https://api.example.com/v1/refunds\"",
                e.getMessage());
    }

    @Test
    void rejectsARelativeUrl() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HttpAction.ofRequestLine("GET /v1/orders"));
        assertEquals("an HTTP request needs an absolute http or https URI with a host, such as "
                + "https://api.example.com/v1/orders", e.getMessage());
    }

    @Test
    void rejectsOtherSchemes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HttpAction.ofRequestLine("GET ftp://files.example.com/x"));
        assertEquals("HTTP scheme must be http or https; other schemes do not go through the HTTP channel",
                e.getMessage());
    }

    @Test
    void rejectsBadValues() {
        assertEquals("HTTP method must be a token of 1 to 32 letters, digits or !#$%&'*+.^_`|~-, such as GET or POST",
                assertThrows(IllegalArgumentException.class, () -> new HttpAction("GE T", "https", "h", -1, "/", false,
                        null, null, 0, null)).getMessage());
        assertEquals("HTTP port must be 1 to 65535, or -1 for the scheme's default, got 70000",
                assertThrows(IllegalArgumentException.class, () -> new HttpAction("GET", "https", "h", 70000, "/",
                        false, null, null, 0, null)).getMessage());
        assertEquals("HTTP path must start with '/'; use \"/\" for a request without a path",
                assertThrows(IllegalArgumentException.class, () -> new HttpAction("GET", "https", "h", -1, "v1",
                        false, null, null, 0, null)).getMessage());
        assertEquals("bodySize must be -1 (unknown) or 0 or more, got -2",
                assertThrows(IllegalArgumentException.class, () -> new HttpAction("GET", "https", "h", -1, "/",
                        false, null, null, -2, null)).getMessage());
        assertEquals("HTTP host must be a host name or IP address (letters, digits, '.', '-', ':'), 1 to 253 characters",
                assertThrows(IllegalArgumentException.class, () -> new HttpAction("GET", "https", "a/b", -1, "/",
                        false, null, null, 0, null)).getMessage());
        assertEquals("header names must be tokens (letters, digits, '-' and the like), 1 to 200 characters",
                assertThrows(IllegalArgumentException.class, () -> new HttpAction("GET", "https", "h", -1, "/",
                        false, null, Set.of("bad header"), 0, null)).getMessage());
    }

    @Test
    void keepsThePathWithItsParametersAndRoutesItWithout() {
        HttpAction a = HttpAction.of("GET", URI.create("https://h/admin;jsessionid=1/users;v=2/"), Set.of(), 0,
                Map.of());

        assertEquals("/admin;jsessionid=1/users;v=2/", a.path());
        assertEquals(List.of("/admin/users/"), a.routedPaths());
        assertEquals("GET https://h/admin;jsessionid=1/users;v=2/", a.describe());
    }

    @Test
    void routesTheParametersOfTheEncodedPathToo() {
        HttpAction a = HttpAction.of("GET", URI.create("https://h/admin;x%2F..%2F/users"), Set.of(), 0, Map.of());

        assertEquals("/users", a.path());
        assertEquals(List.of("/admin/users"), a.routedPaths());
        assertEquals(List.of("/admin/users"), HttpAction.of("GET", URI.create("https://h/admin%3Bx/users"), Set.of(), 0,
                Map.of()).routedPaths());
    }

    @Test
    void dropsASegmentOfParametersOnlyAndHasNoRoutedPathsWithoutParameters() {
        assertEquals(List.of("/admin"), get("/;x/admin").routedPaths());
        assertEquals(List.of("/"), get("/;x").routedPaths());
        assertEquals(List.of("/a/"), get("/a/;x").routedPaths());
        assertEquals(List.of(), get("/v1/orders/7").routedPaths());
        assertEquals(List.of(), get("/v1/orders/").routedPaths());
    }

    @Test
    void flagsARoutedPathThatClimbsAboveTheRoot() {
        // Decoded, /a;/b/../../x is /x; with the parameters dropped first it is /a/../../x.
        HttpAction a = HttpAction.of("GET", URI.create("https://h/a;%2Fb/../../x"), Set.of(), 0, Map.of());

        assertTrue(a.pathEscapes());
        assertEquals("/a;/b/../../x", a.path());
        assertEquals(List.of(), a.routedPaths());
    }
}

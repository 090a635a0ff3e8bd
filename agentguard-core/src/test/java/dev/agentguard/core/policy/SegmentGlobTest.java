package dev.agentguard.core.policy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Host and path globs: {@code *} within a segment, {@code **} across segments. */
class SegmentGlobTest {

    private static SegmentGlob path(String p) {
        return SegmentGlob.compile(p, '/');
    }

    private static SegmentGlob host(String h) {
        return SegmentGlob.compile(h, '.');
    }

    @Test
    void singleStarStaysWithinOneHostLabel() {
        assertTrue(host("*.example.com").matches("api.example.com"));
        assertFalse(host("*.example.com").matches("a.b.example.com"));
        assertFalse(host("*.example.com").matches("example.com"));
        assertFalse(host("*.example.com").matches("api.example.com.evil.net"));
        assertFalse(host("*.example.com").matches("apiexample.com"));
    }

    @Test
    void doubleStarCoversTheDomainAndEverySubdomain() {
        assertTrue(host("**.example.com").matches("example.com"));
        assertTrue(host("**.example.com").matches("a.b.example.com"));
        assertFalse(host("**.example.com").matches("badexample.com"));
    }

    @Test
    void hostsMatchCaseInsensitivelyAndExactly() {
        assertTrue(host("API.example.com").matches("api.example.com"));
        assertFalse(host("example.com").matches("evil.example.com"));
        assertFalse(host("api.example.com").matches("apixexample.com"));
    }

    @Test
    void singleStarStaysWithinOnePathSegment() {
        assertTrue(path("/v1/orders/*").matches("/v1/orders/42"));
        assertFalse(path("/v1/orders/*").matches("/v1/orders/42/items"));
        assertTrue(path("/v1/*/items").matches("/v1/orders/items"));
        assertTrue(path("/v1/order?").matches("/v1/orders"));
        assertFalse(path("/v1/order?").matches("/v1/order/"));
    }

    @Test
    void trailingDoubleStarCoversThePathItselfAndEverythingBelow() {
        SegmentGlob g = path("/admin/**");
        assertTrue(g.matches("/admin"));
        assertTrue(g.matches("/admin/"));
        assertTrue(g.matches("/admin/users/1"));
        assertFalse(g.matches("/administrator"));
        assertFalse(g.matches("/v1/admin"));
    }

    @Test
    void middleDoubleStarCoversZeroOrMoreSegments() {
        SegmentGlob g = path("/v1/**/refunds");
        assertTrue(g.matches("/v1/refunds"));
        assertTrue(g.matches("/v1/a/b/refunds"));
        assertFalse(g.matches("/v1/a/b/refunds/1"));
        assertTrue(path("/**").matches("/"));
        assertTrue(path("/**").matches("/anything/at/all"));
    }

    @Test
    void pathsMatchCaseInsensitivelySoACaseBlindServerCannotSlipPastADenyRule() {
        assertTrue(path("/admin/**").matches("/ADMIN/Users"));
    }

    @Test
    void regexCharactersAreLiteral() {
        assertTrue(path("/v1/a.b+(c)").matches("/v1/a.b+(c)"));
        assertFalse(path("/v1/a.b").matches("/v1/aXb"));
    }

    @Test
    void theWiderReadingOverlooksOneTrailingSlashOnEitherSide() {
        assertTrue(path("/v1/refunds").matchesIgnoringTrailingSlash("/v1/refunds/"));
        assertTrue(path("/v1/refunds").matchesIgnoringTrailingSlash("/V1/Refunds"));
        assertTrue(path("/v1/refunds/").matchesIgnoringTrailingSlash("/v1/refunds"));
        assertTrue(path("/v1/*").matchesIgnoringTrailingSlash("/v1/x/"));
        assertTrue(path("/v1/**/refunds").matchesIgnoringTrailingSlash("/v1/a/refunds/"));
        assertTrue(path("/").matchesIgnoringTrailingSlash("/"));
        assertFalse(path("/v1/refunds").matchesIgnoringTrailingSlash("/v1/refunds//"));
        assertFalse(path("/v1/refunds").matchesIgnoringTrailingSlash("/v1/refunds/1"));
        assertFalse(path("/v1/*").matchesIgnoringTrailingSlash("/v1/x/y"));
        assertFalse(path("/v1/order?").matchesIgnoringTrailingSlash("/v1/order/"));
        assertFalse(path("/v1/refunds").matchesIgnoringTrailingSlash("/v1/refundsx"));
    }

    @Test
    void theExactReadingDoesNotOverlookATrailingSlash() {
        assertFalse(path("/v1/refunds").matches("/v1/refunds/"));
        assertFalse(path("/v1/refunds/").matches("/v1/refunds"));
    }

    @Test
    void hostsHaveNoWiderReading() {
        assertFalse(host("example.com").matchesIgnoringTrailingSlash("example.com/"));
        assertTrue(host("*.example.com").matchesIgnoringTrailingSlash("api.example.com"));
    }
}

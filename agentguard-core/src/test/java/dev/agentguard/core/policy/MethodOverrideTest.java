package dev.agentguard.core.policy;

import dev.agentguard.audit.Channel;
import dev.agentguard.core.action.Action;
import dev.agentguard.core.action.HttpAction;
import dev.agentguard.core.identity.AgentIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Method rules see the methods a server may run: the request's, and those its method-override
 * headers and {@code _method} query parameter name. Deny and approval rules match any of them,
 * allow rules must list all of them, and an override whose method is unknown fails closed.
 */
class MethodOverrideTest {

    private static final AgentIdentity AGENT = AgentIdentity.of("ops-bot", "ops");

    private static final Policy HTTP_PATHS = Policy.builder().name("paths").defaultEffect(Effect.ALLOW)
            .rule(Rule.deny("no-admin").http(HttpCondition.builder().paths("/admin/**")))
            .rule(Rule.requireApproval("refunds").http(HttpCondition.builder().methods("POST").paths("/v1/refunds")))
            .rule(Rule.deny("no-delete").http(HttpCondition.builder().methods("DELETE")))
            .build();

    private static Action http(String method, String url, Set<String> headers) {
        HttpAction a = HttpAction.of(method, URI.create(url), headers, 0, Map.of());
        return new Action(Channel.HTTP, a.host(), a.describe(), a);
    }

    /** A request whose header values are known, as the HTTP channel gives them. */
    private static Action http(String method, String url, Map<String, List<String>> headers) {
        HttpAction a = HttpAction.of(method, URI.create(url), headers, 0, Map.of());
        return new Action(Channel.HTTP, a.host(), a.describe(), a);
    }

    private static String verdict(Policy p, Action a) {
        Verdict v = p.decide(AGENT, a);
        return v.effect() + " by " + v.ruleId();
    }

    /** A method deny rule is passed by POST with an override header that common frameworks honour. */
    @ParameterizedTest
    @ValueSource(strings = {"x-http-method-override", "x-http-method", "x-method-override"})
    void methodRulesSeeMethodOverrideHeaders(String header) {
        Verdict v = HTTP_PATHS.decide(AGENT, http("POST", "http://api.example.com/v1/orders/1", Set.of(header)));
        assertEquals(Effect.DENY, v.effect(), header + " — " + v.ruleId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-HTTP-Method-Override", "x-http-method", "X-Method-Override", "X_HTTP_METHOD_OVERRIDE",
            "x_method-override"})
    void aDeleteNamedByAnOverrideHeaderIsDenied(String header) {
        Action a = http("POST", "http://api.example.com/v1/orders/1", Map.of(header, List.of("DELETE")));

        assertEquals("DENY by no-delete", verdict(HTTP_PATHS, a));
        assertEquals("POST http://api.example.com overridden to DELETE", HTTP_PATHS.decide(AGENT, a).reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"delete", " Delete ", "GET, DELETE", "PATCH,delete"})
    void everyMethodAValueNamesIsDecided(String value) {
        Action a = http("POST", "http://api.example.com/v1/orders/1", Map.of("X-HTTP-Method-Override", List.of(value)));

        assertEquals("DENY by no-delete", verdict(HTTP_PATHS, a));
    }

    @Test
    void everyOverrideHeaderIsRead() {
        Action a = http("POST", "http://api.example.com/v1/orders/1", Map.of("X-HTTP-Method-Override", List.of("PATCH"),
                "X-HTTP-Method", List.of("DELETE")));

        assertEquals("DENY by no-delete", verdict(HTTP_PATHS, a));
    }

    @ParameterizedTest
    @ValueSource(strings = {"?_method=DELETE", "?_method=delete", "?a=1&_method=PUT&_method=DELETE"})
    void aDeleteNamedByTheMethodQueryParameterIsDenied(String query) {
        Action a = http("POST", "http://api.example.com/v1/orders/1" + query, Set.of());

        assertEquals("DENY by no-delete", verdict(HTTP_PATHS, a));
    }

    @Test
    void anOverrideToAMethodNoRuleNamesIsDecidedAsThatMethod() {
        Action a = http("POST", "http://api.example.com/v1/orders/1", Map.of("X-HTTP-Method-Override", List.of("PATCH")));

        assertEquals("ALLOW by default", verdict(HTTP_PATHS, a));
        assertEquals(Set.of("PATCH"), ((HttpAction) a.detail()).methodOverrides());
        assertFalse(((HttpAction) a.detail()).methodOverrideUnknown());
    }

    /** Only the header name is known, or its value names no method: a rule on methods cannot tell, so it fails closed. */
    @ParameterizedTest
    @ValueSource(strings = {"", " ", "DEL ETE", "??", ","})
    void anOverrideWithoutAReadableMethodIsUnknown(String value) {
        Action a = http("POST", "http://api.example.com/v1/orders/1", Map.of("X-HTTP-Method-Override", List.of(value)));

        assertTrue(((HttpAction) a.detail()).methodOverrideUnknown());
        assertEquals("DENY by no-delete", verdict(HTTP_PATHS, a));
        assertEquals("POST http://api.example.com with a method-override header naming no readable method",
                HTTP_PATHS.decide(AGENT, a).reason());
    }

    @Test
    void anOverrideNeedsApprovalWhenItNamesAMethodThatDoes() {
        Policy p = Policy.builder().name("approve-deletes").defaultEffect(Effect.ALLOW)
                .rule(Rule.requireApproval("deletes").http(HttpCondition.builder().methods("DELETE"))).build();

        assertEquals("REQUIRE_APPROVAL by deletes", verdict(p, http("POST", "http://api.example.com/v1/orders/1",
                Map.of("X-HTTP-Method", List.of("DELETE")))));
    }

    private static final Policy ALLOW_POST = Policy.builder().name("allow-post").defaultEffect(Effect.DENY)
            .rule(Rule.allow("create-orders").http(HttpCondition.builder().methods("POST").paths("/v1/orders/**")))
            .rule(Rule.allow("change-items").http(HttpCondition.builder().methods("POST", "PUT", "DELETE")
                    .paths("/v1/items/**")))
            .build();

    @Test
    void anAllowRuleMustListEveryMethodTheRequestNames() {
        String orders = "http://api.example.com/v1/orders/1";
        String items = "http://api.example.com/v1/items/1";

        assertEquals("ALLOW by create-orders", verdict(ALLOW_POST, http("POST", orders, Map.of())));
        assertEquals("ALLOW by create-orders", verdict(ALLOW_POST, http("POST", orders,
                Map.of("X-HTTP-Method-Override", List.of("POST")))));
        assertEquals("DENY by default", verdict(ALLOW_POST, http("POST", orders,
                Map.of("X-HTTP-Method-Override", List.of("DELETE")))));
        assertEquals("DENY by default", verdict(ALLOW_POST, http("POST", orders,
                Map.of("X-HTTP-Method-Override", List.of("POST, DELETE")))));
        assertEquals("DENY by default", verdict(ALLOW_POST, http("POST", orders + "?_method=PUT", Map.of())));
        assertEquals("DENY by default", verdict(ALLOW_POST, http("POST", orders + "?_method=PO%20ST", Map.of())));
        assertEquals("DENY by default", verdict(ALLOW_POST, http("POST", orders, Set.of("x-http-method-override"))));
        assertEquals("ALLOW by change-items", verdict(ALLOW_POST, http("POST", items,
                Map.of("X-HTTP-Method-Override", List.of("DELETE")))));
        assertEquals("ALLOW by change-items", verdict(ALLOW_POST, http("POST", items + "?_method=put", Map.of())));
    }

    @Test
    void otherHeaderValuesAreNotKept() {
        HttpAction a = HttpAction.of("POST", URI.create("http://api.example.com/v1/orders"),
                Map.of("Authorization", List.of("Bearer s3cr3t"), "X-HTTP-Method-Override", List.of("delete")), 0,
                Map.of());

        assertEquals(Set.of("authorization", "x-http-method-override"), a.headerNames());
        assertEquals(Set.of("DELETE"), a.methodOverrides());
        assertFalse(a.toString().contains("s3cr3t"));
    }
}

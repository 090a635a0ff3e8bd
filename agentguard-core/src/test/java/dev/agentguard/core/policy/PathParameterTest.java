package dev.agentguard.core.policy;

import dev.agentguard.audit.Channel;
import dev.agentguard.core.action.Action;
import dev.agentguard.core.action.HttpAction;
import dev.agentguard.core.identity.AgentIdentity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Path rules see the path a server routes: servlet containers drop {@code ;parameters} from
 * every segment (before or after decoding), and many frameworks route {@code /x/} as {@code /x}.
 * Deny and approval rules match any of those paths; allow rules must cover all of them.
 */
class PathParameterTest {

    private static final AgentIdentity AGENT = AgentIdentity.of("ops-bot", "ops");

    private static Action http(String method, String url, Set<String> headers) {
        HttpAction a = HttpAction.of(method, URI.create(url), headers, 0, Map.of());
        return new Action(Channel.HTTP, a.host(), a.describe(), a);
    }

    private static final Policy HTTP_PATHS = Policy.builder().name("paths").defaultEffect(Effect.ALLOW)
            .rule(Rule.deny("no-admin").http(HttpCondition.builder().paths("/admin/**")))
            .rule(Rule.requireApproval("refunds").http(HttpCondition.builder().methods("POST").paths("/v1/refunds")))
            .rule(Rule.deny("no-delete").http(HttpCondition.builder().methods("DELETE")))
            .build();

    /** Servlet containers (Tomcat, Jetty, Spring) drop ";params" from every segment; Spring 5 matches a trailing slash. */
    @ParameterizedTest
    @ValueSource(strings = {
            "GET http://api.example.com/admin;x/users",
            "GET http://api.example.com/admin;jsessionid=1",
            "GET http://api.example.com/admin%3Bx/users",
            "POST http://api.example.com/v1/refunds;x",
            "POST http://api.example.com/v1/refunds/",
    })
    void pathRulesSeeThePathAServerRoutes(String line) {
        String[] p = line.split(" ");
        Verdict v = HTTP_PATHS.decide(AGENT, http(p[0], p[1], Set.of()));
        assertEquals(Effect.DENY.equals(v.effect()) || Effect.REQUIRE_APPROVAL.equals(v.effect()), true,
                line + " — " + v.effect() + " by " + v.ruleId());
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "GET, /ADMIN;x/users, DENY, no-admin",
            "GET, /admin;/users, DENY, no-admin",
            "GET, /admin;a=1;b=2/users, DENY, no-admin",
            "GET, /;x/admin/users, DENY, no-admin",              // a segment of parameters only is dropped
            "GET, /%61dmin;x/users, DENY, no-admin",
            "GET, /admin%3bx, DENY, no-admin",
            "GET, /admin;x%2F..%2F/users, DENY, no-admin",      // dropped before decoding: /admin/users
            "GET, /public/..;x/admin, DENY, no-admin",
            "POST, /v1/refunds;x/, REQUIRE_APPROVAL, refunds",
            "POST, /v1/Refunds/, REQUIRE_APPROVAL, refunds",
            "POST, /v1/refunds%3B, REQUIRE_APPROVAL, refunds",
            "POST, /v1;x/refunds, REQUIRE_APPROVAL, refunds",
            "POST, /v1//refunds//, REQUIRE_APPROVAL, refunds",
            "POST, /v1/refunds;x;y/, REQUIRE_APPROVAL, refunds",
    })
    void denyAndApprovalRulesSeeEveryRoutedForm(String method, String path, Effect effect, String rule) {
        Verdict v = HTTP_PATHS.decide(AGENT, http(method, "http://api.example.com" + path, Set.of()));

        assertEquals(effect + " by " + rule, v.effect() + " by " + v.ruleId(), v.reason());
    }

    @Test
    void aTrailingSlashOnThePatternAlsoMatchesThePathWithout() {
        Policy p = Policy.builder().name("slash").defaultEffect(Effect.ALLOW)
                .rule(Rule.deny("no-reports").http(HttpCondition.builder().paths("/v1/reports/"))).build();

        assertEquals(Effect.DENY, p.decide(AGENT, http("GET", "http://h/v1/reports", Set.of())).effect());
        assertEquals(Effect.DENY, p.decide(AGENT, http("GET", "http://h/v1/reports;x", Set.of())).effect());
        assertEquals(Effect.ALLOW, p.decide(AGENT, http("GET", "http://h/v1/reports/1", Set.of())).effect());
    }

    /**
     * {@code ;} with an encoded {@code /} in its parameters: decoded first, the path is
     * {@code /v1/orders/1}; a servlet container drops the parameters first and routes
     * {@code /v1/admin/v1/orders/1}.
     */
    @Test
    void aServerThatDropsParametersBeforeDecodingIsSeenToo() {
        String url = "http://api.example.com/v1/admin;%2F..%2F..%2Fv1/orders/1";
        Policy deny = Policy.builder().name("deny").defaultEffect(Effect.ALLOW)
                .rule(Rule.deny("no-admin").http(HttpCondition.builder().paths("/v1/admin/**"))).build();
        Policy allow = Policy.builder().name("allow").defaultEffect(Effect.DENY)
                .rule(Rule.allow("orders").http(HttpCondition.builder().paths("/v1/orders/**"))).build();

        assertEquals(Effect.DENY + " by no-admin", deny.decide(AGENT, http("GET", url, Set.of())).effect() + " by "
                + deny.decide(AGENT, http("GET", url, Set.of())).ruleId());
        assertEquals(Effect.DENY + " by default", allow.decide(AGENT, http("GET", url, Set.of())).effect() + " by "
                + allow.decide(AGENT, http("GET", url, Set.of())).ruleId());
    }

    private static final Policy ALLOW_ONLY = Policy.builder().name("allow-only").defaultEffect(Effect.DENY)
            .rule(Rule.allow("read").http(HttpCondition.builder().methods("GET").paths("/v1/orders", "/v1/items/**")))
            .build();

    /** Every routed form of these stays within the allowed paths. */
    @ParameterizedTest
    @ValueSource(strings = {"/v1/orders", "/V1/Orders", "/v1/items/1", "/v1/items/1;v=2", "/v1/items/",
            "/v1/items;x/../items/2", "/v1/items/a;b/c"})
    void anAllowRuleAllowsWhatEveryServerRoutesWithinIt(String path) {
        Verdict v = ALLOW_ONLY.decide(AGENT, http("GET", "http://api.example.com" + path, Set.of()));

        assertEquals(Effect.ALLOW + " by read", v.effect() + " by " + v.ruleId(), path);
    }

    /**
     * A server that keeps parameters routes {@code /v1/orders;x} to another resource than
     * {@code /v1/orders}, and some route {@code /v1/orders/} elsewhere: an allow rule on
     * {@code /v1/orders} covers neither.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/v1/orders/", "/v1/orders;x", "/v1/orders%3Bx", "/v1/orders;jsessionid=1",
            "/v1/items;x/1", "/v1/items%3Bx/1", "/v1/orders;x/", "/v1/admin;%2F..%2F..%2Fv1/items/1"})
    void anAllowRuleDoesNotAllowWhatSomeServerRoutesOutsideIt(String path) {
        Verdict v = ALLOW_ONLY.decide(AGENT, http("GET", "http://api.example.com" + path, Set.of()));

        assertEquals(Effect.DENY + " by default", v.effect() + " by " + v.ruleId(), path);
    }

    @Test
    void theReasonNamesThePatternNotThePath() {
        Verdict v = HTTP_PATHS.decide(AGENT, http("GET", "http://api.example.com/admin;jsessionid=s3cr3t", Set.of()));

        assertEquals("GET http://api.example.com path /admin/**", v.reason());
    }
}

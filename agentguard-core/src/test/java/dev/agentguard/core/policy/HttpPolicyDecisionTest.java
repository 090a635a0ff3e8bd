package dev.agentguard.core.policy;

import dev.agentguard.audit.Channel;
import dev.agentguard.core.action.Action;
import dev.agentguard.core.action.HttpAction;
import dev.agentguard.core.identity.AgentIdentity;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** How a policy decides HTTP requests: each condition, both readings, and the fail-closed cases. */
class HttpPolicyDecisionTest {

    static final AgentIdentity PAYMENTS = AgentIdentity.of("payments-bot", "payments");

    private static Policy.Builder denyByDefault() {
        return Policy.builder().name("test").defaultEffect(Effect.DENY);
    }

    private static HttpCondition.Builder http() {
        return HttpCondition.builder();
    }

    /** A request with no headers and no body. */
    static Action request(String method, String url) {
        return request(method, url, Set.of(), 0, Map.of());
    }

    static Action request(String method, String url, Set<String> headers, long bodySize, Map<String, String> json) {
        HttpAction a = HttpAction.of(method, URI.create(url), headers, bodySize, json);
        return new Action(Channel.HTTP, a.host(), a.describe(), a);
    }

    private static void assertVerdict(Effect effect, String rule, Verdict v) {
        assertEquals(effect + " by " + rule, v.effect() + " by " + v.ruleId(), "verdict, reason: " + v.reason());
    }

    private static Verdict decide(Policy p, String method, String url) {
        return p.decide(PAYMENTS, request(method, url));
    }

    @Nested
    class Target {

        private final Policy policy = denyByDefault()
                .rule(Rule.allow("read-orders").http(http().methods("get", "HEAD").schemes("https")
                        .hosts("api.example.com").ports(443).paths("/v1/orders/**")))
                .build();

        @Test
        void allowsARequestWithinMethodSchemeHostPortAndPath() {
            assertVerdict(Effect.ALLOW, "read-orders", decide(policy, "GET", "https://api.example.com/v1/orders/42"));
            assertVerdict(Effect.ALLOW, "read-orders", decide(policy, "HEAD", "https://API.EXAMPLE.COM:443/v1/orders"));
        }

        @Test
        void deniesAnotherMethod() {
            Verdict v = decide(policy, "DELETE", "https://api.example.com/v1/orders/42");

            assertVerdict(Effect.DENY, "default", v);
            assertEquals("no rule allows DELETE https://api.example.com; the policy default is deny", v.reason());
        }

        @Test
        void deniesAnotherScheme() {
            assertVerdict(Effect.DENY, "default", decide(policy, "GET", "http://api.example.com/v1/orders/42"));
        }

        @Test
        void deniesAnotherPort() {
            Verdict v = decide(policy, "GET", "https://api.example.com:8443/v1/orders/42");

            assertVerdict(Effect.DENY, "default", v);
            assertEquals("no rule allows GET https://api.example.com:8443; the policy default is deny", v.reason());
        }

        @Test
        void deniesAnotherHost() {
            assertVerdict(Effect.DENY, "default", decide(policy, "GET", "https://api.example.com.evil.net/v1/orders"));
            assertVerdict(Effect.DENY, "default", decide(policy, "GET", "https://evil.api.example.com/v1/orders"));
        }

        @Test
        void deniesAnotherPath() {
            assertVerdict(Effect.DENY, "default", decide(policy, "GET", "https://api.example.com/v1/ordersX"));
            assertVerdict(Effect.DENY, "default", decide(policy, "GET", "https://api.example.com/v2/orders"));
        }

        @Test
        void matchesTheNormalisedPath() {
            assertVerdict(Effect.ALLOW, "read-orders",
                    decide(policy, "GET", "https://api.example.com/v1/customers/../orders/42"));
            assertVerdict(Effect.DENY, "default", decide(policy, "GET", "https://api.example.com/v1/orders/../../admin"));
        }

        @Test
        void hostGlobsMatchOneLabel() {
            Policy p = denyByDefault().rule(Rule.allow("subdomains").http(http().hosts("*.example.com"))).build();

            assertVerdict(Effect.ALLOW, "subdomains", decide(p, "GET", "https://api.example.com/"));
            assertVerdict(Effect.DENY, "default", decide(p, "GET", "https://a.b.example.com/"));
            assertVerdict(Effect.DENY, "default", decide(p, "GET", "https://example.com/"));
        }
    }

    @Nested
    class DenyAndApproval {

        @Test
        void deniesAnAdminPathAndNamesThePattern() {
            Policy p = Policy.builder().name("t").defaultEffect(Effect.ALLOW)
                    .rule(Rule.deny("no-admin").http(http().paths("/admin/**", "/internal/**")))
                    .build();

            Verdict v = decide(p, "GET", "https://api.example.com/ADMIN/users");

            assertVerdict(Effect.DENY, "no-admin", v);
            assertEquals("GET https://api.example.com path /admin/**", v.reason());
        }

        @Test
        void denyRuleWinsOverAnEarlierAllowRule() {
            Policy p = denyByDefault()
                    .rule(Rule.allow("api").http(http().hosts("api.example.com")))
                    .rule(Rule.deny("no-admin").http(http().paths("/admin/**")))
                    .build();

            assertVerdict(Effect.DENY, "no-admin", decide(p, "GET", "https://api.example.com/admin"));
            assertVerdict(Effect.ALLOW, "api", decide(p, "GET", "https://api.example.com/v1"));
        }

        @Test
        void refundsOverAnAmountNeedApproval() {
            Policy p = denyByDefault()
                    .rule(Rule.requireApproval("big-refunds").http(http().methods("POST").paths("/v1/refunds")
                            .jsonField(HttpCondition.JsonField.over("amount", "100"))))
                    .rule(Rule.allow("refunds").http(http().methods("POST").paths("/v1/refunds")))
                    .build();
            String url = "https://api.example.com/v1/refunds";

            Verdict big = p.decide(PAYMENTS, request("POST", url, Set.of("content-type"), 20, Map.of("amount", "100.01")));
            Verdict small = p.decide(PAYMENTS, request("POST", url, Set.of("content-type"), 20, Map.of("amount", "100")));

            assertVerdict(Effect.REQUIRE_APPROVAL, "big-refunds", big);
            assertEquals("POST https://api.example.com path /v1/refunds; JSON field amount over 100 needs approval",
                    big.reason());
            assertVerdict(Effect.ALLOW, "refunds", small);
        }

        @Test
        void aMissingOrNonNumericAmountNeedsApprovalToo() {
            Policy p = denyByDefault()
                    .rule(Rule.requireApproval("big-refunds").http(http().paths("/v1/refunds")
                            .jsonField(HttpCondition.JsonField.over("amount", "100"))))
                    .rule(Rule.allow("refunds").http(http().paths("/v1/refunds")))
                    .build();
            String url = "https://api.example.com/v1/refunds";

            Verdict missing = p.decide(PAYMENTS, request("POST", url, Set.of(), 20, Map.of()));
            Verdict text = p.decide(PAYMENTS, request("POST", url, Set.of(), 20, Map.of("amount", "lots")));

            assertVerdict(Effect.REQUIRE_APPROVAL, "big-refunds", missing);
            assertEquals("POST https://api.example.com path /v1/refunds; JSON field amount over 100 (missing or not a "
                    + "number) needs approval", missing.reason());
            assertVerdict(Effect.REQUIRE_APPROVAL, "big-refunds", text);
        }

        @Test
        void deniesAListedQueryParameterAndNamesIt() {
            Policy p = Policy.builder().name("t").defaultEffect(Effect.ALLOW)
                    .rule(Rule.deny("no-debug").http(http().queryParameters("debug", "trace*")))
                    .build();

            Verdict v = decide(p, "GET", "https://h/x?page=1&traceId=7&debug=1");

            assertVerdict(Effect.DENY, "no-debug", v);
            assertEquals("GET https://h; query parameters debug, traceId", v.reason());
            assertVerdict(Effect.ALLOW, "default", decide(p, "GET", "https://h/x?page=1"));
        }

        @Test
        void deniesAListedQueryValueWithoutQuotingIt() {
            Policy p = Policy.builder().name("t").defaultEffect(Effect.ALLOW)
                    .rule(Rule.deny("no-export").http(http().queryEquals("format", "csv")))
                    .build();

            Verdict v = decide(p, "GET", "https://h/report?format=json&format=csv");

            assertVerdict(Effect.DENY, "no-export", v);
            assertEquals("GET https://h; listed value of query parameter format", v.reason());
            assertVerdict(Effect.ALLOW, "default", decide(p, "GET", "https://h/report?format=json"));
        }

        @Test
        void deniesAListedHeader() {
            Policy p = Policy.builder().name("t").defaultEffect(Effect.ALLOW)
                    .rule(Rule.deny("no-override").http(http().headers("X-Admin-*")))
                    .build();

            Verdict v = p.decide(PAYMENTS, request("GET", "https://h/", Set.of("Accept", "X-Admin-Override"), 0, Map.of()));

            assertVerdict(Effect.DENY, "no-override", v);
            assertEquals("GET https://h; header x-admin-override", v.reason());
            assertVerdict(Effect.ALLOW, "default",
                    p.decide(PAYMENTS, request("GET", "https://h/", Set.of("accept"), 0, Map.of())));
        }

        @Test
        void deniesALargeBodyAndABodyOfUnknownSize() {
            Policy p = Policy.builder().name("t").defaultEffect(Effect.ALLOW)
                    .rule(Rule.deny("no-uploads").http(http().bodySizeOver(1024L)))
                    .build();

            Verdict large = p.decide(PAYMENTS, request("POST", "https://h/up", Set.of(), 1025, Map.of()));
            Verdict unknown = p.decide(PAYMENTS, request("POST", "https://h/up", Set.of(), -1, Map.of()));

            assertEquals("POST https://h; body of 1025 bytes", large.reason());
            assertVerdict(Effect.DENY, "no-uploads", unknown);
            assertEquals("POST https://h; body of unknown size", unknown.reason());
            assertVerdict(Effect.ALLOW, "default", p.decide(PAYMENTS, request("POST", "https://h/up", Set.of(), 1024,
                    Map.of())));
        }

        @Test
        void aDenyRuleOnPathsMatchesAPathThatClimbsAboveTheRoot() {
            Policy p = Policy.builder().name("t").defaultEffect(Effect.ALLOW)
                    .rule(Rule.deny("no-admin").http(http().paths("/admin/**")))
                    .build();

            Verdict v = decide(p, "GET", "https://h/public/../../admin");

            assertVerdict(Effect.DENY, "no-admin", v);
            assertEquals("GET https://h with a path that climbs above the root", v.reason());
        }

        @Test
        void aRuleWithoutConditionsDeniesHttpToo() {
            Policy p = Policy.builder().name("t").defaultEffect(Effect.ALLOW)
                    .rule(Rule.deny("nothing").agents(AgentSelector.roles("payments")))
                    .build();

            Verdict v = decide(p, "GET", "https://h/");

            assertVerdict(Effect.DENY, "nothing", v);
            assertEquals("GET https://h", v.reason());
        }
    }

    @Nested
    class AllowConfines {

        @Test
        void allowsOnlyTheListedQueryParameters() {
            Policy p = denyByDefault()
                    .rule(Rule.allow("search").http(http().paths("/search").queryParameters("q", "page")))
                    .build();

            assertVerdict(Effect.ALLOW, "search", decide(p, "GET", "https://h/search?q=x&page=2"));
            assertVerdict(Effect.ALLOW, "search", decide(p, "GET", "https://h/search"));
            assertVerdict(Effect.DENY, "default", decide(p, "GET", "https://h/search?q=x&admin=true"));
        }

        @Test
        void queryEqualsNeedsThatValueAndOnlyThatValue() {
            Policy p = denyByDefault()
                    .rule(Rule.allow("json-reports").http(http().paths("/report").queryEquals("format", "json")))
                    .build();

            assertVerdict(Effect.ALLOW, "json-reports", decide(p, "GET", "https://h/report?format=json"));
            assertVerdict(Effect.DENY, "default", decide(p, "GET", "https://h/report"));
            assertVerdict(Effect.DENY, "default", decide(p, "GET", "https://h/report?format=json&format=csv"));
            assertVerdict(Effect.DENY, "default", decide(p, "GET", "https://h/report?format=json&limit=9"));
        }

        @Test
        void allowsOnlyTheListedHeaders() {
            Policy p = denyByDefault()
                    .rule(Rule.allow("api").http(http().headers("accept", "content-type", "authorization")))
                    .build();

            assertVerdict(Effect.ALLOW, "api", p.decide(PAYMENTS, request("GET", "https://h/", Set.of("Accept"), 0,
                    Map.of())));
            assertVerdict(Effect.DENY, "default", p.decide(PAYMENTS, request("GET", "https://h/",
                    Set.of("accept", "x-forwarded-for"), 0, Map.of())));
        }

        @Test
        void allowsABodyUpToItsLimitButNeverOneOfUnknownSize() {
            Policy p = denyByDefault()
                    .rule(Rule.allow("small-posts").http(http().methods("POST").maxBodySize(1024L)))
                    .build();

            assertVerdict(Effect.ALLOW, "small-posts", p.decide(PAYMENTS, request("POST", "https://h/", Set.of(), 1024,
                    Map.of())));
            assertVerdict(Effect.DENY, "default", p.decide(PAYMENTS, request("POST", "https://h/", Set.of(), 1025,
                    Map.of())));
            assertVerdict(Effect.DENY, "default", p.decide(PAYMENTS, request("POST", "https://h/", Set.of(), -1,
                    Map.of())));
        }

        @Test
        void bodySizeOverInAnAllowRuleNeedsAKnownLargerBody() {
            Policy p = denyByDefault()
                    .rule(Rule.allow("bulk").http(http().bodySizeOver(10L).maxBodySize(100L)))
                    .build();

            assertVerdict(Effect.ALLOW, "bulk", p.decide(PAYMENTS, request("POST", "https://h/", Set.of(), 11, Map.of())));
            assertVerdict(Effect.DENY, "default", p.decide(PAYMENTS, request("POST", "https://h/", Set.of(), 10, Map.of())));
            assertVerdict(Effect.DENY, "default", p.decide(PAYMENTS, request("POST", "https://h/", Set.of(), -1, Map.of())));
        }

        @Test
        void allowsAnAmountOnlyWhenItIsKnownAndWithinBounds() {
            Policy p = denyByDefault()
                    .rule(Rule.allow("small-refunds").http(http().paths("/v1/refunds")
                            .jsonField(HttpCondition.JsonField.atMost("amount", "100"))))
                    .build();
            String url = "https://h/v1/refunds";

            assertVerdict(Effect.ALLOW, "small-refunds", p.decide(PAYMENTS, request("POST", url, Set.of(), 9,
                    Map.of("amount", "99.99"))));
            assertVerdict(Effect.DENY, "default", p.decide(PAYMENTS, request("POST", url, Set.of(), 9,
                    Map.of("amount", "1e3"))));
            assertVerdict(Effect.DENY, "default", p.decide(PAYMENTS, request("POST", url, Set.of(), 9, Map.of())));
            assertVerdict(Effect.DENY, "default", p.decide(PAYMENTS, request("POST", url, Set.of(), 9,
                    Map.of("amount", "NaN"))));
        }
    }

    @Nested
    class FailClosed {

        @Test
        void noAllowRuleMatchesAPathThatClimbsAboveTheRoot() {
            Policy p = denyByDefault()
                    .rule(Rule.allow("everything").http(HttpCondition.ANY))
                    .rule(Rule.allow("any-channel"))
                    .rule(Rule.allow("all-paths").http(http().paths("/**")))
                    .build();

            Verdict v = decide(p, "GET", "https://h/a/../../etc/passwd");

            assertVerdict(Effect.DENY, "default", v);
            assertEquals("no rule allows GET https://h; the policy default is deny", v.reason());
        }

        @Test
        void aDefaultOfAllowNeverCoversAPathThatClimbsAboveTheRoot() {
            Policy p = Policy.builder().name("t").defaultEffect(Effect.ALLOW).build();

            Verdict v = decide(p, "GET", "https://h/../secret");

            assertVerdict(Effect.DENY, "default", v);
            assertEquals("GET https://h has a path that climbs above the root; no rule allows it and a default of "
                    + "allow never covers it", v.reason());
            assertSame(Effect.ALLOW, decide(p, "GET", "https://h/fine").effect());
        }

        @Test
        void requireApprovalDefaultNamesTheRequest() {
            Policy p = Policy.builder().name("t").defaultEffect(Effect.REQUIRE_APPROVAL).build();

            Verdict v = decide(p, "PUT", "http://h:8080/x");

            assertVerdict(Effect.REQUIRE_APPROVAL, "default", v);
            assertEquals("no rule matches PUT http://h:8080; the policy default is require-approval", v.reason());
        }
    }

    @Nested
    class Channels {

        @Test
        void sqlRulesNeverMatchHttpRequests() {
            Policy p = Policy.builder().name("t").defaultEffect(Effect.ALLOW)
                    .rule(Rule.deny("no-sql").sql(SqlCondition.ANY))
                    .build();

            assertVerdict(Effect.ALLOW, "default", decide(p, "GET", "https://h/"));
        }

        @Test
        void httpRulesNeverMatchSqlStatements() {
            Policy p = Policy.builder().name("t").defaultEffect(Effect.DENY)
                    .rule(Rule.allow("all-http").http(HttpCondition.ANY))
                    .rule(Rule.deny("no-http").http(HttpCondition.ANY))
                    .build();

            Verdict v = p.decide(PAYMENTS, Sql.select("cards").action("SELECT * FROM cards"));

            assertVerdict(Effect.DENY, "default", v);
            assertEquals("no rule allows SELECT on cards; the policy default is deny", v.reason());
        }

        @Test
        void rulesForOtherAgentsDoNotApply() {
            Policy p = denyByDefault()
                    .rule(Rule.allow("reporting").agents(AgentSelector.roles("reporting")).http(HttpCondition.ANY))
                    .build();

            assertVerdict(Effect.DENY, "default", decide(p, "GET", "https://h/"));
        }

        @Test
        void anAllowedRequestGetsTheRulesVerdict() {
            Policy p = denyByDefault().rule(Rule.allow("all-http").http(HttpCondition.ANY)).build();

            Verdict v = decide(p, "GET", "https://h/");

            assertEquals(new Verdict(Effect.ALLOW, "all-http", "allowed by rule \"all-http\"", 0), v);
        }
    }
}

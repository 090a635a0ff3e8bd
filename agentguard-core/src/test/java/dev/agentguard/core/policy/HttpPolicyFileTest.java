package dev.agentguard.core.policy;

import dev.agentguard.audit.Channel;
import dev.agentguard.core.identity.AgentIdentity;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The http keys of the policy file: what they read, and the exact error for each way they can be wrong. */
class HttpPolicyFileTest {

    private static Policy parse(String yaml) throws PolicyFileException {
        return PolicyFileReader.parse(yaml, "policy.yaml", Map.<String, String>of()::get);
    }

    private static String error(String yaml) {
        return assertThrows(PolicyFileException.class, () -> parse(yaml)).getMessage();
    }

    private static String lines(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    /** A policy with one rule whose effect mapping is {@code effect}. */
    private static String rule(String effect) {
        return lines("policy: p", "default: deny", "rules:", "  - id: r", "    " + effect);
    }

    @Nested
    class Reading {

        @Test
        void readsEveryHttpCondition() throws Exception {
            Policy p = parse(lines(
                    "policy: http",
                    "default: deny",
                    "rules:",
                    "  - id: everything",
                    "    requireApproval:",
                    "      http:",
                    "        methods: [post, PUT]",
                    "        schemes: [HTTPS]",
                    "        hosts: [API.example.com, \"*.example.net\"]",
                    "        ports: [443, 8443]",
                    "        paths: [\"/v1/refunds/**\"]",
                    "        queryParameters: [debug]",
                    "        queryEquals: { format: csv, limit: 10 }",
                    "        headers: [x-admin-override]",
                    "        maxBodySize: 65536",
                    "        bodySizeOver: 0",
                    "        jsonField: { field: amount, over: 100, atMost: 10_000.50 }"));

            assertEquals(new HttpCondition(List.of("POST", "PUT"), List.of("https"),
                    List.of("api.example.com", "*.example.net"), List.of(443, 8443), List.of("/v1/refunds/**"),
                    List.of("debug"), Map.of("format", "csv", "limit", "10"), List.of("x-admin-override"), 65536L, 0L,
                    new HttpCondition.JsonField("amount", new BigDecimal("100"), new BigDecimal("10000.50"))),
                    p.rules().get(0).condition());
        }

        @Test
        void readsTheExampleOfTheDocs() throws Exception {
            Policy p = parse(lines(
                    "policy: payments-api",
                    "default: deny",
                    "rules:",
                    "  - id: no-admin",
                    "    deny: { http: { paths: [\"/admin/**\"] } }",
                    "  - id: big-refunds",
                    "    requireApproval: { http: { methods: [POST], paths: [/v1/refunds], "
                            + "jsonField: { field: amount, over: 100 } } }",
                    "  - id: orders",
                    "    allow: { http: { methods: [GET], hosts: [\"api.example.com\"], paths: [\"/v1/orders/**\"] } }",
                    "expect:",
                    "  - { agent: { id: bot }, http: \"GET https://api.example.com/v1/orders/7\", effect: allow, "
                            + "rule: orders }",
                    "  - { agent: { id: bot }, http: \"POST https://api.example.com/v1/refunds\", "
                            + "effect: require-approval, rule: big-refunds }"));

            assertEquals(3, p.rules().size());
            PolicyExpectation e = p.expectations().get(1);
            assertEquals(Channel.HTTP, e.channel());
            assertEquals("POST https://api.example.com/v1/refunds", e.action());
            assertEquals(Effect.REQUIRE_APPROVAL, e.effect());
            assertEquals(Channel.JDBC, parse(lines("policy: p", "default: deny", "expect:",
                    "  - { agent: { id: bot }, sql: SELECT 1, effect: deny }")).expectations().get(0).channel());
        }

        @Test
        void anEmptyHttpConditionMatchesEveryRequest() throws Exception {
            assertEquals(HttpCondition.ANY, parse(rule("allow: { http: {} }")).rules().get(0).condition());
        }

        @Test
        void theJavaBuilderMakesTheSameExpectation() {
            PolicyExpectation e = PolicyExpectation.http(AgentIdentity.of("bot"), "GET https://h/x", Effect.DENY, null);

            assertEquals(Channel.HTTP, e.channel());
            assertEquals("an HTTP action is written \"METHOD URL\", such as \"POST https://api.example.com/v1/refunds\"",
                    assertThrows(IllegalArgumentException.class, () -> PolicyExpectation.http(AgentIdentity.of("bot"),
                            "https://h/x", Effect.DENY, null)).getMessage());
        }
    }

    @Nested
    class Errors {

        @Test
        void rejectsAnUnknownKeyWithASuggestion() {
            assertEquals("policy.yaml:5:22: unknown key \"path\" in the http condition of rule \"r\"; allowed keys: "
                    + "methods, schemes, hosts, ports, paths, queryParameters, queryEquals, headers, maxBodySize, "
                    + "bodySizeOver, jsonField; did you mean \"paths\"?", error(rule("allow: { http: { path: [/x] } }")));
        }

        @Test
        void rejectsAnUnknownChannel() {
            assertEquals("policy.yaml:5:14: unknown key \"htp\" in the allow of rule \"r\"; allowed keys: sql, http, ssh; "
                    + "did you mean \"http\"?", error(rule("allow: { htp: {} }")));
        }

        @Test
        void rejectsSqlAndHttpInOneRule() {
            assertEquals("policy.yaml:5:23: rule \"r\" has both a sql and an http condition; a rule matches one "
                    + "channel: split it into two rules", error(rule("allow: { sql: {}, http: {} }")));
        }

        @Test
        void rejectsAConditionThatIsNotAMapping() {
            assertEquals("policy.yaml:5:20: the http condition of rule \"r\" must be a mapping such as { methods: [GET], "
                    + "hosts: [api.example.com], paths: [\"/v1/orders/**\"] }, found a list",
                    error(rule("allow: { http: [GET] }")));
        }

        @Test
        void rejectsAListOfTheWrongType() {
            assertEquals("policy.yaml:5:31: methods must be a list of methods, e.g. [GET, POST], found text",
                    error(rule("allow: { http: { methods: GET } }")));
        }

        @Test
        void rejectsABadMethod() {
            assertEquals("policy.yaml:5:32: HTTP method \"GET POST\" is not a method name; write methods such as GET, "
                    + "POST, PUT, PATCH or DELETE", error(rule("allow: { http: { methods: [\"GET POST\"] } }")));
        }

        @Test
        void rejectsAnUnknownScheme() {
            assertEquals("policy.yaml:5:32: unknown scheme \"ftp\"; allowed: http, https",
                    error(rule("allow: { http: { schemes: [ftp] } }")));
        }

        @Test
        void rejectsAUrlWhereAHostBelongs() {
            assertEquals("policy.yaml:5:30: host pattern \"https://api.example.com\" is not a host: write the host "
                    + "alone (api.example.com), and the scheme, port and path in schemes, ports and paths",
                    error(rule("allow: { http: { hosts: [\"https://api.example.com\"] } }")));
        }

        @Test
        void rejectsAMalformedHost() {
            assertEquals("policy.yaml:5:30: host pattern \"api..example.com\" is not allowed: use host names of "
                    + "letters, digits, '-' and single dots, with * for one label and ** for several, such as "
                    + "*.example.com", error(rule("allow: { http: { hosts: [api..example.com] } }")));
        }

        @Test
        void rejectsAPathWithoutALeadingSlash() {
            assertEquals("policy.yaml:5:30: path pattern \"v1/orders\" is not allowed: a path pattern starts with '/', "
                    + "has no spaces, '?' query or '#' fragment and is at most 500 characters, such as /v1/orders/**",
                    error(rule("allow: { http: { paths: [v1/orders] } }")));
        }

        @Test
        void rejectsADotSegmentInAPath() {
            assertEquals("policy.yaml:5:30: path pattern \"/v1/../admin\" has a '..' segment; requests are matched "
                    + "after their paths are normalised, so write the path without dot segments",
                    error(rule("allow: { http: { paths: [/v1/../admin] } }")));
        }

        @Test
        void rejectsAPortOutOfRange() {
            assertEquals("policy.yaml:5:30: port 70000 is not a TCP port; use 1 to 65535",
                    error(rule("allow: { http: { ports: [70000] } }")));
            assertEquals("policy.yaml:5:30: each entry of ports must be a whole number, found text",
                    error(rule("allow: { http: { ports: [https] } }")));
        }

        @Test
        void rejectsANegativeBodySize() {
            assertEquals("policy.yaml:5:35: maxBodySize must be 0 or more, got -1",
                    error(rule("allow: { http: { maxBodySize: -1 } }")));
        }

        @Test
        void rejectsBodySizeBoundsThatNoRequestMeets() {
            assertEquals("policy.yaml:5:22: maxBodySize 10 is not above bodySizeOver 10, so no request could match; "
                    + "raise maxBodySize or lower bodySizeOver",
                    error(rule("allow: { http: { maxBodySize: 10, bodySizeOver: 10 } }")));
        }

        @Test
        void rejectsAQueryEqualsThatIsNotAMapping() {
            assertEquals("policy.yaml:5:35: queryEquals must be a mapping of parameter names to values, e.g. "
                    + "{ format: csv }, found a list", error(rule("allow: { http: { queryEquals: [format] } }")));
        }

        @Test
        void rejectsAJsonFieldWithoutABound() {
            assertEquals("policy.yaml:5:33: jsonField \"amount\" needs a bound: over (the value is greater) or atMost "
                    + "(the value is at most)", error(rule("allow: { http: { jsonField: { field: amount } } }")));
        }

        @Test
        void rejectsAJsonFieldWithoutAField() {
            assertEquals("policy.yaml:5:33: missing key \"field\" in the jsonField of rule \"r\"; name the JSON field, "
                    + "e.g. field: amount", error(rule("allow: { http: { jsonField: { over: 5 } } }")));
        }

        @Test
        void rejectsAJsonFieldBoundThatIsNotANumber() {
            assertEquals("policy.yaml:5:56: jsonField over must be a number such as 100 or 99.50, found text",
                    error(rule("allow: { http: { jsonField: { field: amount, over: lots } } }")));
        }

        @Test
        void rejectsJsonFieldBoundsThatNoValueMeets() {
            assertEquals("policy.yaml:5:69: jsonField \"amount\": atMost 5 is not above over 100, so no value could "
                    + "match; raise atMost or lower over",
                    error(rule("allow: { http: { jsonField: { field: amount, over: 100, atMost: 5 } } }")));
        }

        @Test
        void rejectsAnUnknownJsonFieldKey() {
            assertEquals("policy.yaml:5:50: unknown key \"below\" in the jsonField of rule \"r\"; allowed keys: field, "
                    + "over, atMost", error(rule("allow: { http: { jsonField: { field: amount, below: 5 } } }")));
        }

        @Test
        void rejectsAnExpectationThatIsNotARequestLine() {
            assertEquals("policy.yaml:4:33: expectation #1 http: an HTTP action is written \"METHOD URL\", such as "
                    + "\"POST https://api.example.com/v1/refunds\"", error(lines("policy: p", "default: deny",
                    "expect:", "  - { agent: { id: bot }, http: /v1/refunds, effect: deny }")));
        }

        @Test
        void rejectsAnExpectationWithARelativeUrl() {
            assertEquals("policy.yaml:4:33: expectation #1 http: an HTTP request needs an absolute http or https URI "
                    + "with a host, such as https://api.example.com/v1/orders", error(lines("policy: p",
                    "default: deny", "expect:", "  - { agent: { id: bot }, http: GET /v1/refunds, effect: deny }")));
        }

        @Test
        void rejectsAnExpectationWithSqlAndHttp() {
            assertEquals("policy.yaml:4:42: expectation #1 has both sql and http; an expectation decides one action: "
                    + "split it into two expectations", error(lines("policy: p", "default: deny", "expect:",
                    "  - { agent: { id: bot }, sql: SELECT 1, http: \"GET https://h/\", effect: deny }")));
        }
    }
}

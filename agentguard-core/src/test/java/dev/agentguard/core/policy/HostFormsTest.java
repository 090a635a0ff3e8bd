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
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A host rule sees every spelling of the address it names, and names it in any spelling itself. */
class HostFormsTest {

    private static final AgentIdentity AGENT = AgentIdentity.of("ops-bot", "ops");

    /** Deny loopback, the metadata service and an internal host; allow everything else. */
    private static final Policy HTTP_HOSTS = Policy.builder().name("hosts").defaultEffect(Effect.ALLOW)
            .rule(Rule.deny("no-loopback").http(HttpCondition.builder()
                    .hosts("127.0.0.1", "localhost", "::1", "169.254.169.254", "internal.example.com")))
            .build();

    private static Action http(String method, String url, Set<String> headers) {
        HttpAction a = HttpAction.of(method, URI.create(url), headers, 0, Map.of());
        return new Action(Channel.HTTP, a.host(), a.describe(), a);
    }

    private static Verdict decide(Policy p, String url) {
        return p.decide(AGENT, http("GET", url, Set.of()));
    }

    /** Every URL here connects to a denied address (the JDK resolves each to it). */
    @ParameterizedTest
    @ValueSource(strings = {
            "http://2130706433:8080/",            // 127.0.0.1 as one decimal number
            "http://[::ffff:127.0.0.1]:8080/",     // IPv4-mapped IPv6
            "http://[0:0:0:0:0:0:0:1]:8080/",     // ::1 written out
            "http://2852039166/latest/meta-data/", // 169.254.169.254
            "http://[::ffff:a9fe:a9fe]/latest/meta-data/",
            "http://internal.example.com./",        // the same DNS name, fully qualified
    })
    void hostDenyRulesSeeEveryFormOfTheAddress(String url) {
        Verdict v = HTTP_HOSTS.decide(AGENT, http("GET", url, Set.of()));
        assertEquals(Effect.DENY, v.effect(), url + " — " + v.ruleId());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "http://[::ffff:7f00:1]:8080/",
            "http://[::FFFF:7F00:1]/",
            "http://[0:0:0:0:0:ffff:7f00:1]/",
            "http://[0:0:0:0:0:FFFF:127.0.0.1]/",
            "http://127.000.000.001/",
            "http://127.0.0.01/",
            "http://[::127.0.0.1]/",               // IPv4-compatible, decided as the IPv4 address
            "http://[0000:0000:0000::0001]/",
            "http://[::0.0.0.1]/",                 // ::1 with an IPv4 tail
            "http://[::1]/",
            "http://LOCALHOST./",
            "http://Internal.Example.COM./v1",
            "http://[::FFFF:A9FE:A9FE]/latest/",
            "http://[::ffff:169.254.169.254]/latest/",
    })
    void hostDenyRulesSeeMoreSpellingsOfTheAddress(String url) {
        Verdict v = decide(HTTP_HOSTS, url);

        assertEquals(Effect.DENY + " by no-loopback", v.effect() + " by " + v.ruleId(), url);
    }

    @Test
    void otherAddressesAndNamesAreNotTheDeniedHost() {
        for (String url : List.of("http://127.0.0.2/", "http://2130706434/", "http://[::2]/", "http://[::ffff:0:7f00:1]/",
                "http://internal.example.com.evil.net/", "http://xinternal.example.com/")) {
            assertEquals(Effect.ALLOW, decide(HTTP_HOSTS, url).effect(), url);
        }
    }

    @Test
    void aHostPatternWrittenInAnotherSpellingIsKeptInCanonicalForm() {
        HttpCondition c = HttpCondition.builder().hosts("[0:0:0:0:0:0:0:1]", "::FFFF:127.0.0.1", "2130706433",
                "[::ffff:a9fe:a9fe]", "10.*.*.*", "API.Example.com").build();

        assertEquals(List.of("::1", "127.0.0.1", "127.0.0.1", "169.254.169.254", "10.*.*.*", "api.example.com"),
                c.hosts());
    }

    @ParameterizedTest
    @ValueSource(strings = {"::1", "[::1]", "0:0:0:0:0:0:0:1", "0000::0001"})
    void aRuleOnLoopbackIPv6MatchesEverySpellingOfIt(String pattern) {
        Policy p = Policy.builder().name("v6").defaultEffect(Effect.ALLOW)
                .rule(Rule.deny("no-v6-loopback").http(HttpCondition.builder().hosts(pattern))).build();

        for (String url : List.of("http://[::1]/", "http://[0:0:0:0:0:0:0:1]/", "http://[::0.0.0.1]/")) {
            assertEquals(Effect.DENY, decide(p, url).effect(), pattern + " / " + url);
        }
    }

    @Test
    void aRuleOnAnIpv4MappedPatternMatchesThePlainIpv4Address() {
        Policy p = Policy.builder().name("mapped").defaultEffect(Effect.ALLOW)
                .rule(Rule.deny("no-metadata").http(HttpCondition.builder().hosts("::ffff:169.254.169.254"))).build();

        assertEquals(Effect.DENY, decide(p, "http://169.254.169.254/latest/").effect());
        assertEquals(Effect.DENY, decide(p, "http://2852039166/latest/").effect());
    }

    @Test
    void aWildcardPatternSeesTheCanonicalAddress() {
        Policy p = Policy.builder().name("link-local").defaultEffect(Effect.ALLOW)
                .rule(Rule.deny("no-link-local").http(HttpCondition.builder().hosts("169.254.*.*", "127.*.*.*")))
                .build();

        for (String url : List.of("http://2852039166/", "http://[::ffff:a9fe:a9fe]/", "http://2130706434/",
                "http://[::ffff:7f00:5]/")) {
            assertEquals(Effect.DENY, decide(p, url).effect(), url);
        }
    }

    /** An allow rule covers the spellings of its own address only: they connect to the same place. */
    @Test
    void anAllowRuleOnAnAddressCoversItsSpellingsAndNothingElse() {
        Policy p = Policy.builder().name("one-host").defaultEffect(Effect.DENY)
                .rule(Rule.allow("metrics").http(HttpCondition.builder().hosts("10.0.0.5"))).build();

        assertEquals(Effect.ALLOW, decide(p, "http://167772165/").effect());
        assertEquals(Effect.ALLOW, decide(p, "http://[::ffff:a00:5]/").effect());
        assertEquals(Effect.DENY, decide(p, "http://167772166/").effect());
        assertEquals(Effect.DENY, decide(p, "http://[::ffff:a00:6]/").effect());
    }

    @Test
    void refusesAHostPatternThatResolversReadDifferently() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HttpCondition.builder().hosts("0177.0.0.1").build());

        assertEquals("host pattern \"0177.0.0.1\" is not allowed: HTTP host is an IPv4 address with a leading zero, "
                + "which the JDK reads as decimal and other resolvers and proxies as octal; write it without leading "
                + "zeros, such as 10.0.0.1", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HttpCondition.builder().hosts("0x7f000001").build());
        assertThrows(IllegalArgumentException.class, () -> HttpCondition.builder().hosts("1:2::3::4").build());
    }

    @Test
    void aPolicyFileHostIsCanonicalisedToo() throws Exception {
        Policy p = PolicyFileReader.parse(String.join("\n", "policy: p", "default: allow", "rules:",
                "  - id: no-loopback", "    deny: { http: { hosts: [\"[0:0:0:0:0:0:0:1]\", \"::ffff:7f00:1\"] } }", ""),
                "policy.yaml", Map.<String, String>of()::get);

        assertEquals(List.of("::1", "127.0.0.1"), ((HttpCondition) p.rules().get(0).condition()).hosts());
        assertEquals(Effect.DENY, decide(p, "http://[::1]/").effect());
        assertEquals(Effect.DENY, decide(p, "http://2130706433/").effect());
    }
}

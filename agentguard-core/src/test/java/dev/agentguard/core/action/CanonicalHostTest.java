package dev.agentguard.core.action;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.URI;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Every spelling of one address is one host to the policy: the form the JDK's {@code HttpClient}
 * connects to, read without DNS; spellings that resolvers read differently are refused.
 */
class CanonicalHostTest {

    private static HttpAction get(String url) {
        return HttpAction.of("GET", URI.create(url), Set.of(), 0, Map.of());
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource({
            "2130706433, 127.0.0.1",
            "2852039166, 169.254.169.254",
            "4294967295, 255.255.255.255",
            "127.1, 127.0.0.1",
            "127.0.1, 127.0.0.1",
            "127.000.000.001, 127.0.0.1",
            "127.0.0.01, 127.0.0.1",
            "'[::ffff:127.0.0.1]', 127.0.0.1",
            "::ffff:7f00:1, 127.0.0.1",
            "'[::FFFF:7F00:1]', 127.0.0.1",
            "0:0:0:0:0:ffff:7f00:1, 127.0.0.1",
            "::ffff:a9fe:a9fe, 169.254.169.254",
            "::127.0.0.1, 127.0.0.1",
            "::7f00:1, 127.0.0.1",
            "'[0:0:0:0:0:0:0:1]', ::1",
            "0000:0000::0001, ::1",
            "::0.0.0.1, ::1",
            "2001:DB8:0:0:0:0:0:1, 2001:db8::1",
            "2001:db8::0:1, 2001:db8::1",
            "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
            "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
            "1:0:2:3:4:5:6:7, 1:0:2:3:4:5:6:7",
            "fe80:0:0:0:0:0:0:0, fe80::",
            "::ffff:0:7f00:1, ::ffff:0:7f00:1",
            "64:ff9b::127.0.0.1, 64:ff9b::7f00:1",
            "Internal.Example.COM., internal.example.com",
            "localhost., localhost",
            "api.example.com, api.example.com",
    })
    void readsEverySpellingOfAnAddressAsItsCanonicalForm(String host, String canonical) {
        assertEquals(canonical, HttpAction.canonicalHost(host));
    }

    /**
     * The canonical form is the address the JDK connects to: parsing each literal with
     * {@code InetAddress} (numeric, so no DNS) gives the same host. IPv4-compatible addresses
     * ({@code ::127.0.0.1}) are left out: they are folded into IPv4 on purpose.
     */
    @ParameterizedTest
    @ValueSource(strings = {"2130706433", "2852039166", "127.1", "127.0.1", "10.1", "127.000.000.001", "127.0.0.01",
            "::ffff:127.0.0.1", "::ffff:7f00:1", "::FFFF:A9FE:A9FE", "0:0:0:0:0:0:0:1", "0000:0000::0001", "::0.0.0.1",
            "2001:db8::0:1", "2001:db8:0:0:1:0:0:1", "2001:0:0:1:0:0:0:1", "fe80::", "::ffff:0:7f00:1",
            "64:ff9b::127.0.0.1", "1::", "::2:3:4:5:6:7:8", "1:2:3:4:5:6:7::"})
    void agreesWithTheAddressTheJdkConnectsTo(String literal) throws Exception {
        String jdk = InetAddress.getByName(literal.indexOf(':') >= 0 ? "[" + literal + "]" : literal).getHostAddress();

        assertEquals(HttpAction.canonicalHost(jdk), HttpAction.canonicalHost(literal), literal + " → JDK " + jdk);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "0177.0.0.1",          // the JDK connects to 177.0.0.1, C resolvers and proxies to 127.0.0.1
            "00177.0.0.1",
            "017700000001",
            "08.0.0.1",            // not octal at all: refused rather than guessed
            "0x7f000001",          // hexadecimal: the JDK refuses it, resolvers read it as 127.0.0.1
            "0X7F000001",
            "0x7f.0.0.1",
            "127.0x0.0.1",
            "4294967296",          // past 32 bits: no address, and not a DNS name either
            "1.2.3.4.5",
            "256.0.0.1",
            "127.0.0.256",
            "127.16777216",
            "127.0.65536",
            "foo.123",
            "example.com..",
            ".example.com",
            "a..b",
            "1:2:3:4:5:6:7:8:9",
            "1::2::3",
            "::ffff:1.2.3",
            "::ffff:0177.0.0.1",
            "::ffff:127.0.0.1.",
            "12345::",
            ":1::",
            "1:2:3:4:5:6:7:",
            "1:2:3:4:5:6:7:8::",
            "::g",
            "fe80::1%eth0",
            "127%2e0%2e0%2e1",
    })
    void refusesHostsThatResolversReadDifferently(String host) {
        assertThrows(IllegalArgumentException.class, () -> HttpAction.canonicalHost(host));
    }

    @Test
    void namesWhatIsWrongWithoutQuotingTheHost() {
        assertEquals("HTTP host is an IPv4 address with a leading zero, which the JDK reads as decimal and other "
                        + "resolvers and proxies as octal; write it without leading zeros, such as 10.0.0.1",
                assertThrows(IllegalArgumentException.class, () -> HttpAction.canonicalHost("0177.0.0.1")).getMessage());
        assertEquals("HTTP host is an IPv4 address with a hexadecimal part, which resolvers read differently; write "
                        + "the address as four decimal numbers, such as 10.0.0.1",
                assertThrows(IllegalArgumentException.class, () -> HttpAction.canonicalHost("0x7f000001")).getMessage());
        assertEquals("HTTP host ends in a number but is not an IPv4 address; write an address as four decimal "
                        + "numbers from 0 to 255, such as 10.0.0.1, or a host name",
                assertThrows(IllegalArgumentException.class, () -> HttpAction.canonicalHost("4294967296")).getMessage());
        assertEquals("HTTP host is an IPv6 address with a zone id ('%'), which the guard does not decide on; write the "
                        + "address without it",
                assertThrows(IllegalArgumentException.class, () -> get("http://[fe80::1%25eth0]/")).getMessage());
    }

    @ParameterizedTest
    @CsvSource({
            "http://2130706433:8080/, 127.0.0.1, GET http://127.0.0.1:8080/",
            "http://[::ffff:127.0.0.1]:8080/x, 127.0.0.1, GET http://127.0.0.1:8080/x",
            "http://[0:0:0:0:0:0:0:1]:8080/, ::1, GET http://[::1]:8080/",
            "http://2852039166/latest/meta-data/, 169.254.169.254, GET http://169.254.169.254/latest/meta-data/",
            "http://[::ffff:a9fe:a9fe]/latest/, 169.254.169.254, GET http://169.254.169.254/latest/",
            "https://internal.example.com./v1, internal.example.com, GET https://internal.example.com/v1",
    })
    void aRequestCarriesTheCanonicalHost(String url, String host, String described) {
        HttpAction a = get(url);

        assertEquals(host, a.host());
        assertEquals(described, a.describe());
    }

    /** 0.0.0.0 and :: connect to the machine itself on Linux and macOS: no rule on 127.0.0.1 would see it. */
    @ParameterizedTest
    @ValueSource(strings = {"http://0:8080/", "http://00/", "http://0.0.0.0/", "http://[::]/", "http://[::0]/",
            "http://[::ffff:0.0.0.0]/", "http://[0:0:0:0:0:0:0:0]/"})
    void refusesTheUnspecifiedAddress(String url) {
        assertEquals("HTTP host is the unspecified address (0.0.0.0 or ::), which a connection takes for this machine "
                + "itself; name the host, such as 127.0.0.1",
                assertThrows(IllegalArgumentException.class, () -> get(url)).getMessage());
    }
}

package dev.agentguard.core.action;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one spelling of a host — an HTTP request's or an SSH target's — that policies compare: a
 * host name lower case without a trailing dot, an IP address in one text form. Without it a rule on {@code 127.0.0.1} would be
 * passed by {@code 2130706433}, {@code [::ffff:127.0.0.1]} or {@code [::ffff:7f00:1]}, which the
 * JDK's {@code HttpClient} connects to just the same.
 *
 * <p>Read without DNS, as the JDK reads a literal ({@code InetAddress}): IPv4 as one to four
 * decimal parts, the last filling the remaining bytes ({@code 2130706433}, {@code 127.1},
 * {@code 127.0.0.1}); IPv6 per RFC 4291. Output: dotted-quad IPv4; IPv4-mapped
 * ({@code ::ffff:a.b.c.d}) and IPv4-compatible ({@code ::a.b.c.d}) IPv6 as that IPv4 address;
 * other IPv6 in the RFC 5952 form ({@code ::1}, {@code 2001:db8::1}).
 *
 * <p>Refused, because resolvers disagree on them and a rule could not know which address is
 * meant: a part with a leading zero whose octal and decimal readings differ ({@code 0177.0.0.1}:
 * the JDK connects to 177.0.0.1, a C resolver or a proxy to 127.0.0.1), hexadecimal parts
 * ({@code 0x7f000001}), a name whose last label is a number but that is no IPv4 address
 * ({@code 4294967296}, {@code 1.2.3.4.5}), empty labels, and IPv6 zone ids.
 */
final class CanonicalHost {

    /** What a host name or IP address may hold, lower-cased, without brackets. */
    private static final Pattern HOST = Pattern.compile("[a-z0-9._~:%-]{1,253}");
    private static final long MAX_IPV4 = 0xFFFF_FFFFL;
    /** Past any part of an address: parsing stops growing a number here. */
    private static final long TOO_LARGE = 1L << 33;

    private CanonicalHost() {
    }

    /**
     * {@code host} checked and in its canonical form, as an action of {@code channel}
     * ({@code "HTTP"}, {@code "SSH"}) holds it: lower case, without brackets, only the characters a
     * host name or IP address has, canonical ({@link #of}), and not the unspecified address
     * ({@code 0.0.0.0}, {@code ::}), which a connection takes for this machine itself.
     *
     * @throws IllegalArgumentException naming what is wrong (never quoting the host), beginning
     *                                  with {@code channel} and {@code " host"}
     */
    static String checked(String host, String channel) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (!HOST.matcher(h).matches()) {
            throw new IllegalArgumentException(channel + " host must be a host name or IP address (letters, digits, "
                    + "'.', '-', ':'), 1 to 253 characters");
        }
        h = of(h, channel);
        if (isUnspecified(h)) {
            throw new IllegalArgumentException(channel + " host is the unspecified address (0.0.0.0 or ::), which a "
                    + "connection takes for this machine itself; name the host, such as 127.0.0.1");
        }
        return h;
    }

    /**
     * The canonical form of {@code host}: lower case, without brackets or one trailing dot.
     *
     * @throws IllegalArgumentException naming what is wrong (never quoting the host), beginning
     *                                  with {@code channel} ({@code "HTTP"}, {@code "SSH"}) and
     *                                  {@code " host"}
     */
    static String of(String host, String channel) {
        try {
            return canonical(host);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(channel + " " + e.getMessage(), e);
        }
    }

    /** {@link #of} with refusals that begin {@code "host"}, for the channel to name. */
    private static String canonical(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.length() > 2 && h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.indexOf(':') >= 0) {
            return ipv6(h);
        }
        // A fully qualified name ends in a dot; it names the same host.
        if (h.length() > 1 && h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (h.isEmpty() || h.startsWith(".") || h.endsWith(".") || h.contains("..")) {
            throw new IllegalArgumentException("host must not have an empty label (a leading dot, two dots in a "
                    + "row, or more than one trailing dot)");
        }
        if (h.indexOf('%') >= 0) {
            throw new IllegalArgumentException("host name must not hold '%'; write the name itself, not its "
                    + "percent-encoding");
        }
        if (!endsInNumber(h)) {
            return h;
        }
        long address = ipv4(h);
        return dotted(address);
    }

    /** Whether {@code canonical} is the unspecified address, which a connection takes for the local host. */
    private static boolean isUnspecified(String canonical) {
        return canonical.equals("0.0.0.0") || canonical.equals("::");
    }

    /**
     * Whether the last label is a number (digits, or {@code 0x} and hex digits): no DNS name ends
     * in one, and C resolvers read such a host as an IPv4 address.
     */
    private static boolean endsInNumber(String h) {
        String last = h.substring(h.lastIndexOf('.') + 1);
        if (last.startsWith("0x")) {
            for (int i = 2; i < last.length(); i++) {
                if (Character.digit(last.charAt(i), 16) < 0) {
                    return false;
                }
            }
            return true;
        }
        for (int i = 0; i < last.length(); i++) {
            char c = last.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** An IPv4 address of one to four decimal parts, as the JDK reads it; refused when a C resolver would read it otherwise. */
    private static long ipv4(String h) {
        String[] parts = h.split("\\.", -1);
        if (parts.length > 4) {
            throw notAnAddress();
        }
        long address = 0;
        for (int i = 0; i < parts.length; i++) {
            long value = part(parts[i]);
            boolean last = i == parts.length - 1;
            // The last part fills the bytes left: 127.1 is 127.0.0.1, 2130706433 is 127.0.0.1.
            long max = last ? (1L << (8 * (4 - i))) - 1 : 0xFF;
            if (value > max) {
                throw notAnAddress();
            }
            address = last ? (address << (8 * (4 - i))) | value : (address << 8) | value;
        }
        return address & MAX_IPV4;
    }

    /** One decimal part of an IPv4 address; a leading zero is accepted only where octal reads the same. */
    private static long part(String p) {
        if (p.isEmpty()) {
            throw notAnAddress();
        }
        if (p.startsWith("0x")) {
            throw new IllegalArgumentException("host is an IPv4 address with a hexadecimal part, which resolvers "
                    + "read differently; write the address as four decimal numbers, such as 10.0.0.1");
        }
        long value = 0;
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c < '0' || c > '9') {
                throw notAnAddress();
            }
            value = Math.min(value * 10 + (c - '0'), TOO_LARGE);
        }
        if (p.length() > 1 && p.charAt(0) == '0' && octal(p) != value) {
            throw new IllegalArgumentException("host is an IPv4 address with a leading zero, which the JDK reads "
                    + "as decimal and other resolvers and proxies as octal; write it without leading zeros, such as "
                    + "10.0.0.1");
        }
        return value;
    }

    /** {@code p} read as octal (at most {@link #TOO_LARGE}), or -1 when it has an 8 or 9. */
    private static long octal(String p) {
        long value = 0;
        for (int i = 0; i < p.length(); i++) {
            int d = p.charAt(i) - '0';
            if (d > 7) {
                return -1;
            }
            value = Math.min(value * 8 + d, TOO_LARGE);
        }
        return value;
    }

    private static IllegalArgumentException notAnAddress() {
        return new IllegalArgumentException("host ends in a number but is not an IPv4 address; write an address "
                + "as four decimal numbers from 0 to 255, such as 10.0.0.1, or a host name");
    }

    private static String dotted(long a) {
        return ((a >>> 24) & 0xFF) + "." + ((a >>> 16) & 0xFF) + "." + ((a >>> 8) & 0xFF) + "." + (a & 0xFF);
    }

    // ------------------------------------------------------------------ IPv6

    /** An IPv6 literal in its canonical form, or the IPv4 address it maps or is compatible with. */
    private static String ipv6(String h) {
        if (h.indexOf('%') >= 0) {
            throw new IllegalArgumentException("host is an IPv6 address with a zone id ('%'), which the guard does "
                    + "not decide on; write the address without it");
        }
        int[] groups = groups(h);
        boolean firstFiveZero = groups[0] == 0 && groups[1] == 0 && groups[2] == 0 && groups[3] == 0 && groups[4] == 0;
        long low = ((long) groups[6] << 16) | groups[7];
        if (firstFiveZero && groups[5] == 0xFFFF) {
            return dotted(low); // IPv4-mapped: the JDK connects to the IPv4 address
        }
        if (firstFiveZero && groups[5] == 0 && groups[6] != 0) {
            // IPv4-compatible (::a.b.c.d, deprecated): decided as the IPv4 address it embeds. A group 6 of 0 is
            // ::, ::1 and other addresses below 0.1.0.0, which stay IPv6.
            return dotted(low);
        }
        return rfc5952(groups);
    }

    /** The eight 16-bit groups of an IPv6 literal (RFC 4291 section 2.2 text forms). */
    private static int[] groups(String h) {
        int doubleColon = h.indexOf("::");
        if (doubleColon >= 0 && h.indexOf("::", doubleColon + 1) >= 0) {
            throw notIpv6();
        }
        String head = doubleColon < 0 ? h : h.substring(0, doubleColon);
        String tail = doubleColon < 0 ? "" : h.substring(doubleColon + 2);
        int[] front = groupList(head, doubleColon < 0);
        int[] back = groupList(tail, true);
        int total = front.length + back.length;
        if (doubleColon < 0 ? total != 8 : total > 7) {
            throw notIpv6();
        }
        int[] out = new int[8];
        System.arraycopy(front, 0, out, 0, front.length);
        System.arraycopy(back, 0, out, 8 - back.length, back.length);
        return out;
    }

    /** The groups of one side of {@code ::}; an IPv4 tail counts as two groups. */
    private static int[] groupList(String s, boolean mayEndInIpv4) {
        if (s.isEmpty()) {
            return new int[0];
        }
        String[] parts = s.split(":", -1);
        boolean ipv4Tail = mayEndInIpv4 && parts[parts.length - 1].indexOf('.') >= 0;
        int[] out = new int[parts.length + (ipv4Tail ? 1 : 0)];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (ipv4Tail && i == parts.length - 1) {
                long v4 = embeddedIpv4(p);
                out[i] = (int) (v4 >>> 16);
                out[i + 1] = (int) (v4 & 0xFFFF);
            } else {
                out[i] = hexGroup(p);
            }
        }
        return out;
    }

    private static int hexGroup(String p) {
        if (p.isEmpty() || p.length() > 4) {
            throw notIpv6();
        }
        int v = 0;
        for (int i = 0; i < p.length(); i++) {
            int d = Character.digit(p.charAt(i), 16);
            if (d < 0) {
                throw notIpv6();
            }
            v = v * 16 + d;
        }
        return v;
    }

    /** The dotted-quad tail of an IPv6 literal: four decimal parts, no leading zeros. */
    private static long embeddedIpv4(String p) {
        String[] parts = p.split("\\.", -1);
        if (parts.length != 4) {
            throw notIpv6();
        }
        long a = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
                throw notIpv6();
            }
            int v = 0;
            for (int i = 0; i < part.length(); i++) {
                char c = part.charAt(i);
                if (c < '0' || c > '9') {
                    throw notIpv6();
                }
                v = v * 10 + (c - '0');
            }
            if (v > 255) {
                throw notIpv6();
            }
            a = (a << 8) | v;
        }
        return a;
    }

    /** RFC 5952: lower-case hex without leading zeros, the first longest run of two or more zero groups as {@code ::}. */
    private static String rfc5952(int[] g) {
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            if (g[i] != 0) {
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder b = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                b.append("::");
                i += bestLength - 1;
                continue;
            }
            if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
                b.append(':');
            }
            b.append(Integer.toHexString(g[i]));
        }
        return b.toString();
    }

    private static IllegalArgumentException notIpv6() {
        return new IllegalArgumentException("host has a ':' but is not an IPv6 address; write IPv6 addresses in "
                + "brackets, such as [2001:db8::1]");
    }
}

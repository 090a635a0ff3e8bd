package dev.agentguard.core.identity;

/**
 * The SPIFFE ID rules (spiffe.io, SPIFFE-ID standard section 2) that a JWT-SVID's subject must
 * follow before it names an agent: {@code spiffe://<trust domain>/<path>}, lower-case trust
 * domain, non-empty path segments of letters, digits, '.', '-' and '_', nothing else.
 */
final class SpiffeId {

    static final String SCHEME = "spiffe://";
    /** The standard's limit on a whole SPIFFE ID. */
    static final int MAX_LENGTH = 2048;
    /** A DNS name's limit, which trust domains follow. */
    static final int MAX_TRUST_DOMAIN_LENGTH = 255;

    private SpiffeId() {
    }

    /** Whether {@code name} is a valid trust domain name such as {@code example.org}. */
    static boolean isTrustDomain(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_TRUST_DOMAIN_LENGTH) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Why {@code id} is not a workload SPIFFE ID of {@code trustDomain}, as the end of a
     * sentence, or {@code null} when it is one.
     */
    static String problem(String id, String trustDomain) {
        if (id.length() > MAX_LENGTH) {
            return "is longer than the " + MAX_LENGTH + " characters a SPIFFE ID may have";
        }
        if (!id.startsWith(SCHEME)) {
            return "is not a SPIFFE ID (spiffe://" + trustDomain + "/...)";
        }
        int slash = id.indexOf('/', SCHEME.length());
        String domain = slash < 0 ? id.substring(SCHEME.length()) : id.substring(SCHEME.length(), slash);
        if (!isTrustDomain(domain)) {
            return "is not a SPIFFE ID: its trust domain is not lower-case letters, digits, '.', '-' and '_'";
        }
        if (!domain.equals(trustDomain)) {
            return "belongs to trust domain " + UntrustedText.quote(domain) + ", not " + trustDomain;
        }
        if (slash < 0 || slash == id.length() - 1) {
            return "names no workload: a SPIFFE ID of an agent has a path, such as spiffe://" + trustDomain
                    + "/agents/payments";
        }
        int segmentStart = slash + 1;
        for (int i = segmentStart; i <= id.length(); i++) {
            if (i == id.length() || id.charAt(i) == '/') {
                String segment = id.substring(segmentStart, i);
                if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                    return "is not a SPIFFE ID: its path has an empty, '.' or '..' segment";
                }
                segmentStart = i + 1;
            } else if (!isPathCharacter(id.charAt(i))) {
                return "is not a SPIFFE ID: its path holds a character other than letters, digits, '.', '-', '_' and '/'";
            }
        }
        return null;
    }

    /** The last path segment of a valid SPIFFE ID: the workload's own name. */
    static String lastSegment(String id) {
        return id.substring(id.lastIndexOf('/') + 1);
    }

    private static boolean isPathCharacter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_';
    }
}

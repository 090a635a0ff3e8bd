package dev.agentguard.http;

import javax.net.ssl.SSLContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A credential the guard adds to requests for one {@link HttpTarget}, so that agent code never
 * holds it: a bearer token, an API key header, basic authentication, or a client certificate.
 * Configured with {@link GuardedHttpClient.Builder#credential(HttpTarget, HttpCredential)}.
 *
 * <p>The secret cannot be read back: there is no accessor, {@link #toString()} names only the
 * kind (and the header name of an API key), and the guard never journals a header value. A
 * value that is not a valid header value (control characters, line breaks) is rejected when the
 * credential is made, without echoing it.
 */
public abstract sealed class HttpCredential
        permits HttpCredential.BearerToken, HttpCredential.ApiKey, HttpCredential.BasicAuth,
        HttpCredential.ClientCertificate {

    /** RFC 9110 token characters: header names. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}");
    /** Visible ASCII, with spaces and tabs inside: a header value that cannot split a header. */
    private static final Pattern VALUE = Pattern.compile("[\\x21-\\x7e]([\\x20-\\x7e\\t]*[\\x21-\\x7e])?");
    /** Headers the HTTP client computes itself; a credential cannot be one of them. */
    private static final Set<String> RESERVED = Set.of("host", "content-length", "connection", "expect", "upgrade",
            "transfer-encoding", "te", "trailer", "keep-alive", "proxy-connection", "accept-encoding", "range",
            "if-range", "content-type", "cookie");

    private HttpCredential() {
    }

    /** {@code Authorization: Bearer <token>}. */
    public static HttpCredential bearerToken(String token) {
        return new BearerToken(checkValue("bearer token", token));
    }

    /**
     * An API key sent in its own header, e.g. {@code apiKey("X-Api-Key", key)}. An agent-set
     * header of that name is replaced on requests to the target.
     */
    public static HttpCredential apiKey(String headerName, String value) {
        Objects.requireNonNull(headerName, "headerName");
        String name = headerName.strip();
        if (!TOKEN.matcher(name).matches()) {
            throw new IllegalArgumentException("API key header name must be a header name (letters, digits, '-'), "
                    + "1 to 100 characters, such as X-Api-Key");
        }
        if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("API key header name \"" + name + "\" is a header the HTTP client or "
                    + "the guard sets itself; use a header of its own, such as X-Api-Key");
        }
        return new ApiKey(name, checkValue("API key", value));
    }

    /** {@code Authorization: Basic base64(user:password)}. The user must not contain ':'. */
    public static HttpCredential basicAuth(String user, String password) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (user.isEmpty() || user.indexOf(':') >= 0 || user.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("basic authentication user must be 1 or more characters without ':' "
                    + "or control characters");
        }
        if (password.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("basic authentication password must not contain control characters");
        }
        String encoded = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return new BasicAuth("Basic " + encoded);
    }

    /**
     * A TLS client certificate: {@code sslContext} holds the key and certificate (and the trust
     * the target needs). Requests to the target go through a client of their own, built from the
     * wrapped client's settings with this SSL context, so no other target ever sees the
     * certificate. Only for https targets.
     */
    public static HttpCredential clientCertificate(SSLContext sslContext) {
        return new ClientCertificate(Objects.requireNonNull(sslContext, "sslContext"));
    }

    /** The header this credential sets (lower case), or {@code null} when it sets none. */
    abstract String headerName();

    /** The header's value; never logged, journaled or shown. */
    abstract String headerValue();

    /** The SSL context of a client certificate, else {@code null}. */
    SSLContext sslContext() {
        return null;
    }

    private static String checkValue(String what, String value) {
        Objects.requireNonNull(value, what);
        if (!VALUE.matcher(value).matches() || value.length() > 8192) {
            throw new IllegalArgumentException(what + " must be 1 to 8192 visible ASCII characters (spaces only "
                    + "inside), without line breaks or control characters; the value is not shown here");
        }
        return value;
    }

    /** A bearer token. */
    public static final class BearerToken extends HttpCredential {
        private final String value;

        private BearerToken(String token) {
            this.value = "Bearer " + token;
        }

        @Override
        String headerName() {
            return "authorization";
        }

        @Override
        String headerValue() {
            return value;
        }

        @Override
        public String toString() {
            return "HttpCredential.bearerToken(****)";
        }
    }

    /** An API key in a header of its own. */
    public static final class ApiKey extends HttpCredential {
        private final String name;
        private final String value;

        private ApiKey(String name, String value) {
            this.name = name;
            this.value = value;
        }

        @Override
        String headerName() {
            return name.toLowerCase(Locale.ROOT);
        }

        @Override
        String headerValue() {
            return value;
        }

        @Override
        public String toString() {
            return "HttpCredential.apiKey(" + name + ", ****)";
        }
    }

    /** Basic authentication. */
    public static final class BasicAuth extends HttpCredential {
        private final String value;

        private BasicAuth(String value) {
            this.value = value;
        }

        @Override
        String headerName() {
            return "authorization";
        }

        @Override
        String headerValue() {
            return value;
        }

        @Override
        public String toString() {
            // The user name is configuration, not a secret, but it is kept out of logs all the same.
            return "HttpCredential.basicAuth(****, ****)";
        }
    }

    /** A TLS client certificate. */
    public static final class ClientCertificate extends HttpCredential {
        private final SSLContext sslContext;

        private ClientCertificate(SSLContext sslContext) {
            this.sslContext = sslContext;
        }

        @Override
        String headerName() {
            return null;
        }

        @Override
        String headerValue() {
            return null;
        }

        @Override
        SSLContext sslContext() {
            return sslContext;
        }

        @Override
        public String toString() {
            return "HttpCredential.clientCertificate(****)";
        }
    }
}

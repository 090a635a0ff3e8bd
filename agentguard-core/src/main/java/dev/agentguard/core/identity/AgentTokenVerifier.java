package dev.agentguard.core.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.JWSVerifierFactory;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.security.Key;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Verifies an agent's OIDC/OAuth token (a signed JWT) and turns it into an {@link AgentIdentity}.
 *
 * <pre>{@code
 * AgentTokenVerifier verifier = AgentTokenVerifier.builder()
 *         .jwksUrl(URI.create("https://idp.example.com/realms/agents/protocol/openid-connect/certs"))
 *         .issuer("https://idp.example.com/realms/agents")
 *         .audience("payments-db")
 *         .acceptedAlgorithms("RS256")
 *         .roleClaims("realm_access.roles")
 *         .build();
 * IdentitySource identity = TokenIdentitySource.file(verifier, Path.of("/var/run/secrets/agent/token"));
 * }</pre>
 *
 * <p>A token is accepted only when it is signed (never {@code alg=none}) with one of the
 * explicitly accepted algorithms by a key of the configured key set, its {@code typ} is accepted,
 * its issuer and audience are the configured ones, and it carries an expiry ({@code exp}) that has
 * not passed; {@code nbf} and {@code iat} are honoured, all within a bounded clock skew. Every
 * failure is an {@link IdentityException} whose message says why and never contains the token.
 *
 * <p>Verification checks a signature and may fetch the key set, so it is meant to run once per
 * token: {@link TokenIdentitySource} does that and answers from memory afterwards. Instances are
 * immutable and thread-safe.
 */
public final class AgentTokenVerifier {

    /** Longest token accepted; large enough for tokens that carry hundreds of groups. */
    public static final int MAX_TOKEN_LENGTH = 64 * 1024;
    /** Default connect and read timeout of a JWKS fetch: nimbus' 500 ms is too short for many identity providers. */
    public static final Duration DEFAULT_JWKS_TIMEOUT = Duration.ofSeconds(2);
    /** Default clock skew tolerated on {@code exp}, {@code nbf} and {@code iat}. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
    /** Largest clock skew accepted: more keeps expired tokens alive; fix the clocks instead. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    /** Default time a fetched key set is used before it is fetched again. */
    public static final Duration DEFAULT_JWKS_CACHE_TIME_TO_LIVE = Duration.ofMinutes(5);
    /** Default shortest interval between two key set fetches (nimbus allows two per interval). */
    public static final Duration DEFAULT_JWKS_REFRESH_RATE_LIMIT = Duration.ofSeconds(30);
    /** Default time the last fetched key set keeps being used while the JWKS endpoint is unreachable. */
    public static final Duration DEFAULT_JWKS_OUTAGE_TOLERANCE = Duration.ofHours(1);
    /** Agent ids refused by default because they name an account, not an agent (PCI DSS 8.2.1). */
    public static final Set<String> DEFAULT_SHARED_AGENT_IDS = Set.of("admin", "administrator", "root", "superuser",
            "service", "service-account", "svc", "system", "default", "agent", "bot", "user", "guest", "anonymous",
            "test", "shared");

    static final String REJECTED = "agent token rejected: ";

    /** Algorithms verified with the JDK alone (EdDSA and ES256K need extra providers). */
    private static final Map<String, KeyType> SUPPORTED = supportedAlgorithms();
    private static final int HTTP_SIZE_LIMIT = JWKSourceBuilder.DEFAULT_HTTP_SIZE_LIMIT;
    /** The status in HttpURLConnection's and nimbus' messages about a failed fetch. */
    private static final Pattern HTTP_STATUS = Pattern.compile("(?:HTTP response code: |^HTTP )(\\d{3})");

    private final Set<JWSAlgorithm> algorithms;
    private final String algorithmNames;
    private final AcceptedTypes types;
    private final JWSVerificationKeySelector<SecurityContext> keySelector;
    private final JWSVerifierFactory verifierFactory = new DefaultJWSVerifierFactory();
    private final String keySetName;
    private final ClaimChecks checks;
    private final ClaimMapping mapping;
    private final Clock clock;
    private final String issuer;

    private AgentTokenVerifier(Builder b, JWKSource<SecurityContext> keys, String keySetName) {
        this.algorithms = Set.copyOf(b.algorithms);
        this.algorithmNames = b.algorithms.stream().map(JWSAlgorithm::getName).collect(Collectors.joining(", "));
        this.types = new AcceptedTypes(b.types, b.typeRequired);
        this.keySelector = new JWSVerificationKeySelector<>(this.algorithms, keys);
        this.keySetName = keySetName;
        this.checks = new ClaimChecks(b.issuer, b.audiences, b.clockSkew, b.clock);
        this.mapping = new ClaimMapping(b.agentIdClaim, b.spiffeTrustDomain, b.onBehalfOfClaim, b.roleClaims,
                b.sharedAgentIds);
        this.clock = b.clock;
        this.issuer = b.issuer;
    }

    /** A builder; issuer, audience, accepted algorithms and one key set are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Verifies {@code token} and maps its claims to an identity. The identity's
     * {@link AgentIdentity#expiresAt()} is the token's {@code exp} plus the clock skew: the moment
     * this verifier stops accepting the token.
     *
     * @param token the compact serialization of a signed JWT, as presented by the agent
     * @throws IdentityException when the token is missing, malformed, unsigned, wrongly signed,
     *                           expired, for another issuer or audience, or names a shared agent;
     *                           the message never contains the token
     */
    public AgentIdentity verify(String token) throws IdentityException {
        if (token == null || token.isBlank()) {
            throw new IdentityException("no agent token was presented");
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw rejected("it is " + token.length() + " characters long; at most " + MAX_TOKEN_LENGTH
                    + " are accepted");
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(token.strip());
        } catch (ParseException | RuntimeException e) {
            // No cause: the parser's message can quote pieces of the token. Unchecked errors are hostile input too.
            throw rejected("it is not a well-formed JWT (three base64url parts: header, claims, signature)");
        }
        if (jwt instanceof PlainJWT) {
            throw rejected("it is unsigned (alg \"none\"); only tokens signed with " + algorithmNames
                    + " are accepted");
        }
        if (jwt instanceof EncryptedJWT) {
            throw rejected("it is encrypted (JWE); present a signed token (JWS)");
        }
        SignedJWT signed = (SignedJWT) jwt;
        JWSHeader header = signed.getHeader();
        if (!algorithms.contains(header.getAlgorithm())) {
            throw rejected("it is signed with " + UntrustedText.quote(header.getAlgorithm().getName())
                    + ", which is not accepted; accepted: " + algorithmNames);
        }
        types.check(header.getType());
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            // Nimbus' verifiers would answer "bad signature"; say what it is.
            throw rejected("it marks header parameters as critical (crit), which this verifier does not process");
        }
        checkSignature(signed, header);
        JWTClaimsSet claims;
        try {
            claims = signed.getJWTClaimsSet();
        } catch (ParseException | RuntimeException e) {
            throw rejected("its claims are not a valid JWT claims set (a registered claim such as exp, iss or aud "
                    + "has the wrong type)");
        }
        Instant expiresAt = checks.check(claims);
        return mapping.identity(claims, expiresAt);
    }

    /** The clock this verifier judges expiry by; token sources use it too, so both agree. */
    Clock clock() {
        return clock;
    }

    private void checkSignature(SignedJWT signed, JWSHeader header) throws IdentityException {
        List<Key> keys;
        try {
            keys = keySelector.selectJWSKeys(header, null);
        } catch (KeySourceException e) {
            throw new KeySetUnavailableException("agent token not verified: " + keySetName + " could not be read ("
                    + describe(e) + "); the next call tries again", e);
        }
        if (keys.isEmpty()) {
            throw rejected("no key in " + keySetName + " matches its key id (kid) "
                    + UntrustedText.quote(header.getKeyID()) + " and algorithm " + header.getAlgorithm().getName());
        }
        for (Key key : keys) {
            try {
                if (signed.verify(verifierFactory.createJWSVerifier(header, key))) {
                    return;
                }
            } catch (JOSEException e) {
                // A key that cannot check this token (wrong curve, unsupported critical header) is no match.
            }
        }
        throw rejected("its signature does not verify with " + keySetName);
    }

    private static String describe(KeySourceException e) {
        if (e instanceof RateLimitReachedException) {
            return "its refreshes are rate-limited";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        if (message != null) {
            Matcher status = HTTP_STATUS.matcher(message);
            if (status.find()) {
                return "HTTP " + status.group(1);
            }
        }
        // A message that quotes a URL may carry its query, which can hold a credential: leave it out.
        return root.getClass().getSimpleName()
                + (message == null || message.contains("://") ? "" : ": " + UntrustedText.quote(message));
    }

    static IdentityException rejected(String why) {
        return new IdentityException(REJECTED + why);
    }

    /** Issuer and key set, for logs; nothing secret. */
    @Override
    public String toString() {
        return "AgentTokenVerifier[issuer=" + issuer + ", algorithms=" + algorithmNames + ", keys=" + keySetName + "]";
    }

    private static Map<String, KeyType> supportedAlgorithms() {
        Map<String, KeyType> supported = new LinkedHashMap<>();
        for (JWSAlgorithm a : List.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
                JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512)) {
            supported.put(a.getName(), KeyType.RSA);
        }
        for (JWSAlgorithm a : List.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512)) {
            supported.put(a.getName(), KeyType.EC);
        }
        for (JWSAlgorithm a : List.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512)) {
            supported.put(a.getName(), KeyType.OCT);
        }
        return Map.copyOf(supported);
    }

    /**
     * Configures an {@link AgentTokenVerifier}. Setters check their own value; {@link #build()}
     * checks how values fit together. Every setting has a safe default except the ones a
     * verifier cannot guess: issuer, audience, accepted algorithms and the key set.
     */
    public static final class Builder {

        private String issuer;
        private final Set<String> audiences = new LinkedHashSet<>();
        private final Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
        private final Map<String, Object> keySets = new LinkedHashMap<>();
        private final Set<String> remoteSettings = new LinkedHashSet<>();
        private Duration connectTimeout = DEFAULT_JWKS_TIMEOUT;
        private Duration readTimeout = DEFAULT_JWKS_TIMEOUT;
        private Duration jwksCacheTimeToLive = DEFAULT_JWKS_CACHE_TIME_TO_LIVE;
        private Duration jwksRefreshRateLimit = DEFAULT_JWKS_REFRESH_RATE_LIMIT;
        private Duration jwksOutageTolerance = DEFAULT_JWKS_OUTAGE_TOLERANCE;
        private Duration clockSkew = DEFAULT_CLOCK_SKEW;
        private Clock clock = Clock.systemUTC();
        private List<String> types = List.of("JWT", "at+jwt");
        private boolean typeRequired;
        private AgentIdClaim agentIdClaim = AgentIdClaim.SUBJECT;
        private String spiffeTrustDomain;
        private String onBehalfOfClaim;
        private List<String> roleClaims = List.of();
        private Set<String> sharedAgentIds = DEFAULT_SHARED_AGENT_IDS;

        private Builder() {
        }

        /** The exact {@code iss} of accepted tokens, e.g. {@code https://idp.example.com/realms/agents}. Required. */
        public Builder issuer(String issuer) {
            this.issuer = requireText(issuer, "issuer", "issuer(\"https://idp.example.com/realms/agents\")");
            return this;
        }

        /**
         * Adds accepted audiences: a token must name at least one in its {@code aud}, so a token
         * minted for another service is refused. Required.
         */
        public Builder audience(String... audiences) {
            Objects.requireNonNull(audiences, "audiences");
            for (String audience : audiences) {
                this.audiences.add(requireText(audience, "audience", "audience(\"payments-db\")"));
            }
            return this;
        }

        /**
         * Adds accepted signature algorithms by name: {@code RS256}, {@code RS384}, {@code RS512},
         * {@code PS256}, {@code PS384}, {@code PS512}, {@code ES256}, {@code ES384}, {@code ES512},
         * or ({@link #jwkSet(JWKSet) local secret keys} only) {@code HS256}, {@code HS384},
         * {@code HS512}. Required: there is no default, and {@code none} is never accepted.
         */
        public Builder acceptedAlgorithms(String... names) {
            Objects.requireNonNull(names, "names");
            for (String name : names) {
                if (name == null || name.isBlank()) {
                    throw new IllegalArgumentException("acceptedAlgorithms must not hold a blank name; use one of "
                            + String.join(", ", SUPPORTED.keySet().stream().sorted().toList()));
                }
                if (name.strip().equalsIgnoreCase("none")) {
                    throw new IllegalArgumentException("acceptedAlgorithms \"none\" is never accepted: an unsigned "
                            + "token proves nothing about who sent it; name the algorithm your identity provider signs "
                            + "with, such as RS256");
                }
                if (!SUPPORTED.containsKey(name.strip())) {
                    throw new IllegalArgumentException("acceptedAlgorithms " + UntrustedText.quote(name)
                            + " is not supported; use one of " + String.join(", ",
                            new TreeSet<>(SUPPORTED.keySet())) + " (names are case-sensitive)");
                }
                algorithms.add(JWSAlgorithm.parse(name.strip()));
            }
            return this;
        }

        /**
         * Fetches the issuer's keys from its JWKS endpoint (https; plain http only for loopback
         * addresses), through nimbus' {@link JWKSourceBuilder}: cached, fetched again when a token
         * names an unknown key id (key rotation), rate-limited, retried once, and kept in use
         * through an outage of the endpoint.
         */
        public Builder jwksUrl(URI url) {
            Objects.requireNonNull(url, "url");
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!url.isAbsolute() || url.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
                throw new IllegalArgumentException("jwksUrl " + UntrustedText.quote(url.toString())
                        + " is not an absolute https URL; give the identity provider's jwks_uri, such as "
                        + "https://idp.example.com/realms/agents/protocol/openid-connect/certs");
            }
            if (url.getRawUserInfo() != null) {
                throw new IllegalArgumentException("jwksUrl must not carry user information (user:password@); a "
                        + "JWKS endpoint is public: remove it from the URL");
            }
            if (scheme.equals("http") && !isLoopback(url.getHost())) {
                throw new IllegalArgumentException("jwksUrl " + UntrustedText.quote(url.toString())
                        + " is not https: keys fetched over plain http can be replaced in transit; use https (plain "
                        + "http is accepted for loopback addresses only)");
            }
            keySets.put("jwksUrl", url);
            return this;
        }

        /** Reads the issuer's keys from a local JWKS file when the verifier is built. */
        public Builder jwksFile(Path file) {
            keySets.put("jwksFile", Objects.requireNonNull(file, "file"));
            return this;
        }

        /**
         * Uses these keys. Private parts are dropped; secret ({@code oct}) keys are kept only when
         * the accepted algorithms are HMAC ({@code HS256} and kin), for tokens a local party signs.
         */
        public Builder jwkSet(JWKSet keys) {
            keySets.put("jwkSet", Objects.requireNonNull(keys, "keys"));
            return this;
        }

        /**
         * Uses any nimbus key source (a custom fetch, a failover pair). HMAC algorithms are not
         * accepted with one, since nothing here can check that it holds no public keys.
         */
        public Builder keySource(JWKSource<SecurityContext> source) {
            keySets.put("keySource", Objects.requireNonNull(source, "source"));
            return this;
        }

        /** Connect timeout of a JWKS fetch, 1 ms to 60 s; default 2 s. {@link #jwksUrl(URI)} only. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = between("connectTimeout", timeout, Duration.ofMillis(1), Duration.ofSeconds(60));
            remoteSettings.add("connectTimeout");
            return this;
        }

        /** Read timeout of a JWKS fetch, 1 ms to 60 s; default 2 s. {@link #jwksUrl(URI)} only. */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = between("readTimeout", timeout, Duration.ofMillis(1), Duration.ofSeconds(60));
            remoteSettings.add("readTimeout");
            return this;
        }

        /** How long a fetched key set is used before it is fetched again, 1 ms to 1 day; default 5 minutes. */
        public Builder jwksCacheTimeToLive(Duration timeToLive) {
            this.jwksCacheTimeToLive = between("jwksCacheTimeToLive", timeToLive, Duration.ofMillis(1),
                    Duration.ofDays(1));
            remoteSettings.add("jwksCacheTimeToLive");
            return this;
        }

        /**
         * The shortest interval between key set fetches (nimbus allows two per interval), so that
         * tokens with made-up key ids cannot hammer the identity provider; 1 ms to 1 hour, below
         * the cache time-to-live; default 30 s.
         */
        public Builder jwksRefreshRateLimit(Duration interval) {
            this.jwksRefreshRateLimit = between("jwksRefreshRateLimit", interval, Duration.ofMillis(1),
                    Duration.ofHours(1));
            remoteSettings.add("jwksRefreshRateLimit");
            return this;
        }

        /**
         * How long the last fetched key set stays in use while the JWKS endpoint cannot be reached,
         * 0 (no tolerance) to 1 day; default 1 hour. Longer keeps agents working through an identity
         * provider outage; shorter stops sooner using a key the provider has withdrawn.
         */
        public Builder jwksOutageTolerance(Duration tolerance) {
            this.jwksOutageTolerance = between("jwksOutageTolerance", tolerance, Duration.ZERO, Duration.ofDays(1));
            remoteSettings.add("jwksOutageTolerance");
            return this;
        }

        /** The clock skew tolerated on {@code exp}, {@code nbf} and {@code iat}, 0 to 5 minutes; default 60 s. */
        public Builder clockSkew(Duration skew) {
            Objects.requireNonNull(skew, "skew");
            if (skew.isNegative() || skew.compareTo(MAX_CLOCK_SKEW) > 0) {
                throw new IllegalArgumentException("clockSkew must be between 0 s and " + MAX_CLOCK_SKEW.toSeconds()
                        + " s, got " + skew.toSeconds() + " s: a larger skew keeps expired tokens alive; fix the host "
                        + "clocks (NTP) instead");
            }
            this.clockSkew = skew;
            return this;
        }

        /** The clock expiry is judged by; default the system clock (UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The accepted header types ({@code typ}), replacing the default {@code JWT} and
         * {@code at+jwt} (RFC 9068 access tokens); add {@code JOSE} for SPIFFE JWT-SVIDs. Compared
         * case-insensitively, with or without {@code application/}.
         */
        public Builder acceptedTypes(String... types) {
            Objects.requireNonNull(types, "types");
            if (types.length == 0) {
                throw new IllegalArgumentException("acceptedTypes needs at least one type, such as JWT or at+jwt; "
                        + "to accept tokens without typ, keep typeRequired(false)");
            }
            List<String> list = new ArrayList<>();
            for (String type : types) {
                list.add(requireText(type, "acceptedTypes", "acceptedTypes(\"JWT\", \"at+jwt\")").strip());
            }
            this.types = List.copyOf(list);
            return this;
        }

        /** Whether a token without {@code typ} is refused; default {@code false} (many identity providers omit it). */
        public Builder typeRequired(boolean required) {
            this.typeRequired = required;
            return this;
        }

        /** Where a non-delegated token names the agent; default {@link AgentIdClaim#SUBJECT}. */
        public Builder agentIdClaim(AgentIdClaim claim) {
            this.agentIdClaim = Objects.requireNonNull(claim, "claim");
            return this;
        }

        /** The SPIFFE trust domain agent ids must belong to, such as {@code example.org}; {@link AgentIdClaim#SPIFFE_ID} only. */
        public Builder spiffeTrustDomain(String trustDomain) {
            Objects.requireNonNull(trustDomain, "trustDomain");
            if (!SpiffeId.isTrustDomain(trustDomain)) {
                throw new IllegalArgumentException("spiffeTrustDomain " + UntrustedText.quote(trustDomain)
                        + " is not a trust domain name: use lower-case letters, digits, '.', '-' and '_', such as "
                        + "example.org (without spiffe://)");
            }
            this.spiffeTrustDomain = trustDomain;
            return this;
        }

        /**
         * Reads the user an agent acts for from this claim (a name or a dotted path) instead of
         * the RFC 8693 {@code act} chain. Delegated tokens (with {@code act}) are then refused,
         * since their {@code sub} is the user, not the agent.
         */
        public Builder onBehalfOfClaim(String claim) {
            this.onBehalfOfClaim = requireText(claim, "onBehalfOfClaim", "onBehalfOfClaim(\"on_behalf_of\")");
            return this;
        }

        /**
         * The claims roles are read from, each a name or a dotted path into nested objects
         * ({@code roles}, {@code groups}, Keycloak's {@code realm_access.roles}). A claim holds a
         * string or a list of strings. Default: none, so roles come from no claim until named.
         */
        public Builder roleClaims(String... claims) {
            Objects.requireNonNull(claims, "claims");
            List<String> list = new ArrayList<>();
            for (String claim : claims) {
                list.add(requireText(claim, "roleClaims", "roleClaims(\"realm_access.roles\")"));
            }
            this.roleClaims = List.copyOf(list);
            return this;
        }

        /**
         * The agent ids refused as shared accounts (PCI DSS 8.2.1), case-insensitive, replacing
         * {@link AgentTokenVerifier#DEFAULT_SHARED_AGENT_IDS}; for SPIFFE IDs the last path segment is checked too.
         * No ids turns the check off.
         */
        public Builder sharedAgentIds(String... ids) {
            Objects.requireNonNull(ids, "ids");
            Set<String> set = new LinkedHashSet<>();
            for (String id : ids) {
                set.add(requireText(id, "sharedAgentIds", "sharedAgentIds(\"admin\", \"service\")")
                        .toLowerCase(Locale.ROOT));
            }
            this.sharedAgentIds = Set.copyOf(set);
            return this;
        }

        /**
         * The verifier. Reads a {@link #jwksFile(Path) JWKS file} now; a {@link #jwksUrl(URI)} is
         * fetched when the first token is verified.
         *
         * @throws IllegalStateException    when a required setting is missing or settings conflict
         * @throws IllegalArgumentException when the JWKS file cannot be read or holds no usable key
         */
        public AgentTokenVerifier build() {
            if (issuer == null) {
                throw new IllegalStateException("issuer is not set: call issuer(...) with the exact iss of your "
                        + "identity provider's tokens, such as issuer(\"https://idp.example.com/realms/agents\")");
            }
            if (audiences.isEmpty()) {
                throw new IllegalStateException("audience is not set: call audience(...) with the aud your identity "
                        + "provider puts in the agents' tokens, such as audience(\"payments-db\"), so that a token "
                        + "minted for another service is refused");
            }
            if (algorithms.isEmpty()) {
                throw new IllegalStateException("acceptedAlgorithms is not set: name the algorithms your identity "
                        + "provider signs with, such as acceptedAlgorithms(\"RS256\"); there is no default, so that "
                        + "none and HMAC are never accepted by accident");
            }
            if (keySets.isEmpty()) {
                throw new IllegalStateException("no key set is configured: call jwksUrl(...), jwksFile(...), "
                        + "jwkSet(...) or keySource(...) with your identity provider's public keys");
            }
            if (keySets.size() > 1) {
                throw new IllegalStateException("only one key set can be configured, got " + String.join(" and ",
                        keySets.keySet()) + ": keep the one that holds your identity provider's keys");
            }
            if (!keySets.containsKey("jwksUrl") && !remoteSettings.isEmpty()) {
                throw new IllegalStateException(String.join(", ", remoteSettings) + " applies to jwksUrl only, "
                        + "and the keys come from " + keySets.keySet().iterator().next() + ": remove "
                        + (remoteSettings.size() == 1 ? "it" : "them"));
            }
            if (agentIdClaim == AgentIdClaim.SPIFFE_ID && spiffeTrustDomain == null) {
                throw new IllegalStateException("agentIdClaim SPIFFE_ID needs spiffeTrustDomain(...): name the trust "
                        + "domain your agents' SPIFFE IDs belong to, such as spiffeTrustDomain(\"example.org\")");
            }
            if (spiffeTrustDomain != null && agentIdClaim != AgentIdClaim.SPIFFE_ID) {
                throw new IllegalStateException("spiffeTrustDomain applies to agentIdClaim SPIFFE_ID only, and agent "
                        + "ids come from " + agentIdClaim + ": call agentIdClaim(AgentIdClaim.SPIFFE_ID) or remove "
                        + "spiffeTrustDomain");
            }
            if (onBehalfOfClaim != null && onBehalfOfClaim.equals(agentIdClaim.claimName())) {
                throw new IllegalStateException("onBehalfOfClaim \"" + onBehalfOfClaim + "\" is the claim agent ids "
                        + "come from: name the claim that holds the user, or remove onBehalfOfClaim");
            }
            if (jwksRefreshRateLimit.compareTo(jwksCacheTimeToLive) >= 0) {
                throw new IllegalStateException("jwksRefreshRateLimit (" + jwksRefreshRateLimit.toMillis()
                        + " ms) must be shorter than jwksCacheTimeToLive (" + jwksCacheTimeToLive.toMillis()
                        + " ms): shorten the rate limit or keep fetched keys longer");
            }
            Set<KeyType> keyTypes = algorithms.stream().map(a -> SUPPORTED.get(a.getName()))
                    .collect(Collectors.toSet());
            boolean hmac = keyTypes.contains(KeyType.OCT);
            if (hmac && keyTypes.size() > 1) {
                throw new IllegalStateException("acceptedAlgorithms mixes HMAC with public-key algorithms ("
                        + names(algorithms) + "): a verifier that accepts both lets a token be MACed with the public "
                        + "key's bytes (algorithm confusion); accept one kind");
            }
            String source = keySets.keySet().iterator().next();
            Object keys = keySets.get(source);
            if (hmac && (keys instanceof URI || keys instanceof JWKSource)) {
                throw new IllegalStateException("acceptedAlgorithms " + names(algorithms) + " needs a shared secret, "
                        + "which " + source + " does not hold: HMAC tokens are accepted only with jwkSet(...) or "
                        + "jwksFile(...) holding secret (oct) keys; identity providers sign with RS256 or ES256");
            }
            if (keys instanceof URI url) {
                return new AgentTokenVerifier(this, remoteKeys(url), "the key set at " + display(url));
            }
            if (keys instanceof JWKSource<?>) {
                @SuppressWarnings("unchecked")
                JWKSource<SecurityContext> custom = (JWKSource<SecurityContext>) keys;
                return new AgentTokenVerifier(this, custom, "the configured key source");
            }
            JWKSet set;
            String name;
            if (keys instanceof Path file) {
                set = load(file);
                name = "the key set in " + file;
            } else {
                set = (JWKSet) keys;
                name = "the configured key set";
            }
            return new AgentTokenVerifier(this, new ImmutableJWKSet<>(usableKeys(set, source, keyTypes, hmac)), name);
        }

        private JWKSource<SecurityContext> remoteKeys(URI uri) {
            URL url;
            try {
                url = uri.toURL();
            } catch (MalformedURLException | IllegalArgumentException e) {
                throw new IllegalStateException("jwksUrl " + UntrustedText.quote(uri.toString())
                        + " cannot be opened as a URL; give the identity provider's jwks_uri", e);
            }
            DefaultResourceRetriever retriever = new DefaultResourceRetriever((int) connectTimeout.toMillis(),
                    (int) readTimeout.toMillis(), HTTP_SIZE_LIMIT);
            JWKSourceBuilder<SecurityContext> keys = JWKSourceBuilder.<SecurityContext>create(url, retriever)
                    // The fetch timeout bounds how long other verifying threads wait for one fetch.
                    .cache(jwksCacheTimeToLive.toMillis(), connectTimeout.plus(readTimeout).toMillis() * 2)
                    // Refresh-ahead would start a non-daemon thread that keeps the JVM alive: refresh on use instead.
                    .refreshAheadCache(false)
                    .rateLimited(jwksRefreshRateLimit.toMillis())
                    .retrying(true);
            keys = jwksOutageTolerance.isZero() ? keys.outageTolerant(false)
                    : keys.outageTolerant(jwksOutageTolerance.toMillis());
            return keys.build();
        }

        private static JWKSet load(Path file) {
            try {
                return JWKSet.load(file.toFile());
            } catch (IOException e) {
                throw new IllegalArgumentException("jwksFile " + file + " cannot be read (" + e.getClass().getSimpleName()
                        + "): give the path of a readable JWKS file", null);
            } catch (ParseException e) {
                // No cause: the parser's message can quote the file, which may hold secret keys.
                throw new IllegalArgumentException("jwksFile " + file + " is not a JWK set: it must be JSON with a "
                        + "\"keys\" array (RFC 7517), as served at the identity provider's jwks_uri", null);
            }
        }

        private static JWKSet usableKeys(JWKSet set, String source, Set<KeyType> keyTypes, boolean hmac) {
            if (hmac) {
                for (JWK key : set.getKeys()) {
                    if (!KeyType.OCT.equals(key.getKeyType())) {
                        throw new IllegalStateException(source + " holds " + key.getKeyType() + " keys, so HMAC "
                                + "algorithms are refused: an HMAC checked with public key bytes is the "
                                + "algorithm-confusion attack; accept RS256 or ES256 for public keys");
                    }
                }
                if (set.getKeys().isEmpty()) {
                    throw new IllegalStateException(source + " holds no keys: give the secret (oct) keys HMAC "
                            + "tokens are signed with");
                }
                return set;
            }
            JWKSet publicKeys = set.toPublicJWKSet(); // drops private parts and secret (oct) keys
            boolean usable = publicKeys.getKeys().stream().anyMatch(k -> keyTypes.contains(k.getKeyType()));
            if (!usable) {
                throw new IllegalStateException(source + " holds no public key for " + keyTypes.stream()
                        .map(KeyType::getValue).sorted().collect(Collectors.joining(" or ")) + " algorithms; it holds "
                        + (publicKeys.getKeys().isEmpty() ? "none" : publicKeys.getKeys().stream()
                        .map(k -> k.getKeyType().getValue()).distinct().sorted().collect(Collectors.joining(", ")))
                        + ": give the issuer's public keys, or accept the algorithms they are for");
            }
            return publicKeys;
        }

        private static String names(Set<JWSAlgorithm> algorithms) {
            return algorithms.stream().map(JWSAlgorithm::getName).collect(Collectors.joining(", "));
        }

        private static String display(URI url) {
            // Scheme, authority and path only: a query could carry a credential.
            return url.getScheme() + "://" + url.getRawAuthority() + (url.getRawPath() == null ? "" : url.getRawPath());
        }

        private static boolean isLoopback(String host) {
            return host.equalsIgnoreCase("localhost") || host.equals("[::1]") || host.equals("::1")
                    || host.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
        }

        private static String requireText(String value, String property, String example) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(property + " must not be blank: call " + example);
            }
            return value;
        }

        private static Duration between(String property, Duration value, Duration min, Duration max) {
            Objects.requireNonNull(value, property);
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(property + " must be between " + min.toMillis() + " ms and "
                        + max.toMillis() + " ms, got " + value.toMillis() + " ms");
            }
            return value;
        }
    }
}

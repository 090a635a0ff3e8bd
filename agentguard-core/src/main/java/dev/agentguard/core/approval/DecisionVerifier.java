package dev.agentguard.core.approval;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.agentguard.audit.integrity.CheckpointSigner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Verifies signed approval decisions (compact JWS, see {@link DecisionClaims}) against the
 * approval service's public keys, with nimbus-jose-jwt. Immutable and thread-safe once built.
 *
 * <p>What it accepts is explicit: the keys (PEM public keys, JWKS, or {@link PublicKey}s), the
 * JWS algorithms (no default; HMAC and {@code none} are never accepted), and each key only with
 * the algorithms of its own kind, so that no algorithm confusion is possible. Every token must
 * carry {@code typ} {@value DecisionClaims#TYPE}; keys embedded in the token ({@code jwk},
 * {@code jku}, {@code x5c}) are ignored, and any {@code crit} header is refused.
 *
 * <pre>{@code
 * DecisionVerifier verifier = DecisionVerifier.builder()
 *         .keyFile(Path.of("/etc/agentguard/approvals.jwks"))
 *         .acceptedAlgorithms("EdDSA", "ES256")
 *         .build();
 * }</pre>
 */
public final class DecisionVerifier {

    /** The longest compact token accepted; a decision is a few hundred characters. */
    public static final int MAX_TOKEN_LENGTH = 16 * 1024;

    private static final Set<JWSAlgorithm> RSA_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);
    private static final Pattern SHOWABLE = Pattern.compile("[A-Za-z0-9._:+/=-]{1,64}");

    private final List<TrustedKey> keys;
    private final Set<JWSAlgorithm> accepted;
    private final String issuer;
    private final Duration clockSkew;
    private final Clock clock;

    /**
     * @param approver null for a service key that may sign for anyone it authenticated; else the
     *                 one person this key signs as (compared case-insensitively)
     * @param groups   null for any groups; else the groups this key may claim
     */
    private record TrustedKey(String keyId, PublicKey key, Set<JWSAlgorithm> algorithms, String approver,
                              Set<String> groups) {
        TrustedKey(String keyId, PublicKey key, Set<JWSAlgorithm> algorithms) {
            this(keyId, key, algorithms, null, null);
        }
    }

    private DecisionVerifier(Builder b) {
        this.keys = List.copyOf(b.keys);
        this.accepted = Set.copyOf(b.accepted);
        this.issuer = b.issuer;
        this.clockSkew = b.clockSkew;
        this.clock = b.clock;
    }

    /** Starts configuring a verifier: keys and accepted algorithms are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The JWS algorithms a key of this kind verifies: {@code EdDSA} and {@code Ed25519} for
     * Ed25519, the one {@code ES…} of an EC key's curve, {@code RS…}/{@code PS…} for RSA.
     */
    public static Set<String> algorithmsFor(PublicKey key) {
        Set<String> names = new TreeSet<>();
        for (JWSAlgorithm a : compatible(key)) {
            names.add(a.getName());
        }
        return names;
    }

    /**
     * Verifies {@code compact} as the decision on {@code request}: signature, type, claims, the
     * request id and action hash it is bound to, and its expiry (and its grant's) at the clock's now.
     *
     * @throws RejectedDecisionException saying what did not hold
     */
    public SignedDecision verify(String compact, ApprovalRequest request) throws RejectedDecisionException {
        Objects.requireNonNull(request, "request");
        SignedDecision d = verifySignature(compact);
        DecisionClaims c = d.claims();
        if (!c.requestId().equals(request.requestId())) {
            throw new RejectedDecisionException("the signed decision is for another request (" + shown(c.requestId())
                    + "), not " + request.requestId(), compact);
        }
        if (!c.actionHash().equals(request.actionHash())) {
            throw new RejectedDecisionException("the signed decision's grant scope is another action (hash "
                    + c.actionHash().substring(0, 12) + "…), not this one (hash " + request.actionHash().substring(0, 12)
                    + "…)", compact);
        }
        Instant now = clock.instant();
        if (!now.isBefore(c.expiresAt().plus(clockSkew))) {
            throw new RejectedDecisionException("the signed decision expired at " + c.expiresAt(), compact);
        }
        if (c.issuedAt().isAfter(now.plus(clockSkew))) {
            throw new RejectedDecisionException("the signed decision was issued at " + c.issuedAt()
                    + ", in the future", compact);
        }
        if (c.approved() && c.grantExpiresAt() != null && !now.isBefore(c.grantExpiresAt())) {
            throw new RejectedDecisionException("the grant of the signed decision expired at " + c.grantExpiresAt(),
                    compact);
        }
        return d;
    }

    /**
     * Verifies only what holds forever: the signature by a configured key with an accepted
     * algorithm, the type, the issuer and well-formed claims. For checking journaled evidence
     * offline, long after the token expired.
     *
     * @throws RejectedDecisionException saying what did not hold
     */
    public SignedDecision verifySignature(String compact) throws RejectedDecisionException {
        if (compact == null || compact.isBlank()) {
            throw new RejectedDecisionException("no signed decision came (an empty answer)", null);
        }
        if (compact.length() > MAX_TOKEN_LENGTH) {
            throw new RejectedDecisionException("the signed decision is " + compact.length() + " characters; at most "
                    + MAX_TOKEN_LENGTH + " are accepted", compact);
        }
        String token = compact.strip();
        SignedJWT jwt;
        try {
            if (token.chars().filter(ch -> ch == '.').count() != 2) {
                throw new ParseException("not three parts", 0);
            }
            jwt = SignedJWT.parse(token);
        } catch (ParseException | RuntimeException e) {
            throw new RejectedDecisionException("the decision is not a signed JWS (unsigned, or not a compact JWS at all)",
                    compact);
        }
        JWSHeader header = jwt.getHeader();
        JWSAlgorithm alg = header.getAlgorithm();
        if (!accepted.contains(alg)) {
            throw new RejectedDecisionException("the decision is signed with algorithm " + shown(alg.getName())
                    + ", which is not accepted (accepted: " + names(accepted) + ")", compact);
        }
        JOSEObjectType typ = header.getType();
        if (typ == null || !DecisionClaims.TYPE.equalsIgnoreCase(typ.getType())) {
            throw new RejectedDecisionException("the decision's typ is " + (typ == null ? "missing" : shown(typ.getType()))
                    + "; a signed decision has typ " + DecisionClaims.TYPE, compact);
        }
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            throw new RejectedDecisionException("the decision has critical header parameters this verifier does "
                    + "not understand", compact);
        }
        String kid = header.getKeyID();
        List<TrustedKey> candidates = new ArrayList<>();
        boolean kidKnown = false;
        for (TrustedKey k : keys) {
            if (kid == null || k.keyId().equals(kid)) {
                kidKnown = true;
                if (k.algorithms().contains(alg)) {
                    candidates.add(k);
                }
            }
        }
        if (!kidKnown) {
            throw new RejectedDecisionException("the decision is signed by an unknown key (kid " + shown(kid) + ")",
                    compact);
        }
        if (candidates.isEmpty()) {
            throw new RejectedDecisionException("no configured key " + (kid == null ? "" : "with kid " + shown(kid) + " ")
                    + "verifies " + alg.getName() + " signatures", compact);
        }
        TrustedKey signer = null;
        for (TrustedKey k : candidates) {
            if (verifies(jwt, k)) {
                signer = k;
                break;
            }
        }
        if (signer == null) {
            throw new RejectedDecisionException("the decision's signature does not verify"
                    + (kid == null ? " with any configured key" : " with key " + shown(kid)), compact);
        }
        DecisionClaims claims;
        try {
            JWTClaimsSet set = jwt.getJWTClaimsSet();
            claims = DecisionClaims.from(set);
        } catch (ParseException | IllegalArgumentException e) {
            throw new RejectedDecisionException("the signed decision's claims do not hold: " + (e instanceof ParseException
                    ? "the payload is not a JSON object" : e.getMessage()), compact);
        }
        if (issuer != null && !issuer.equals(claims.issuer())) {
            throw new RejectedDecisionException("the signed decision's issuer is "
                    + (claims.issuer() == null ? "missing" : shown(claims.issuer())) + ", not " + issuer, compact);
        }
        if (signer.approver() != null && !signer.approver().equalsIgnoreCase(claims.approver().strip())) {
            // A personal key signs as its owner only: otherwise one operator could approve as
            // another, and defeat "no self-approval", approver groups and "two different people".
            throw new RejectedDecisionException("the decision names the approver " + shown(claims.approver())
                    + " but is signed by the key of " + signer.approver() + " (kid " + signer.keyId() + ")", compact);
        }
        if (signer.groups() != null && !signer.groups().containsAll(claims.groups())) {
            Set<String> extra = new LinkedHashSet<>(claims.groups());
            extra.removeAll(signer.groups());
            throw new RejectedDecisionException("the decision claims groups " + shown(String.join(",", extra))
                    + " that the key of " + (signer.approver() == null ? "kid " + signer.keyId() : signer.approver())
                    + " may not claim (allowed: " + String.join(",", signer.groups()) + ")", compact);
        }
        return new SignedDecision(claims, signer.keyId(), alg.getName(), token);
    }

    /** The ids of the keys this verifier trusts, in the order given. */
    public List<String> keyIds() {
        List<String> ids = new ArrayList<>(keys.size());
        for (TrustedKey k : keys) {
            ids.add(k.keyId());
        }
        return List.copyOf(ids);
    }

    @Override
    public String toString() {
        return "DecisionVerifier[keys=" + keyIds() + ", algorithms=" + names(accepted)
                + (issuer == null ? "" : ", issuer=" + issuer) + "]";
    }

    private static boolean verifies(SignedJWT jwt, TrustedKey k) {
        try {
            JWSVerifier v;
            if (Ed25519Jws.isEd25519(k.key())) {
                v = Ed25519Jws.verifier(k.key());
            } else if (k.key() instanceof ECPublicKey ec) {
                v = new ECDSAVerifier(ec);
            } else {
                v = new RSASSAVerifier((RSAPublicKey) k.key());
            }
            return jwt.verify(v);
        } catch (JOSEException | RuntimeException e) {
            return false;
        }
    }

    private static Set<JWSAlgorithm> compatible(PublicKey key) {
        if (Ed25519Jws.isEd25519(key)) {
            return Ed25519Jws.ALGORITHMS;
        }
        if (key instanceof ECPublicKey ec) {
            Curve curve = Curve.forECParameterSpec(ec.getParams());
            if (Curve.P_256.equals(curve)) {
                return Set.of(JWSAlgorithm.ES256);
            }
            if (Curve.P_384.equals(curve)) {
                return Set.of(JWSAlgorithm.ES384);
            }
            if (Curve.P_521.equals(curve)) {
                return Set.of(JWSAlgorithm.ES512);
            }
            return Set.of();
        }
        if (key instanceof RSAPublicKey) {
            return RSA_ALGORITHMS;
        }
        return Set.of();
    }

    private static String names(Set<JWSAlgorithm> algorithms) {
        Set<String> n = new TreeSet<>();
        for (JWSAlgorithm a : algorithms) {
            n.add(a.getName());
        }
        return String.join(", ", n);
    }

    /** A value from a token quoted for a message only when it is short and plain; its sender chose it. */
    static String shown(String value) {
        return value != null && SHOWABLE.matcher(value).matches() ? "\"" + value + "\"" : "(a value not shown here)";
    }

    /** Configures a {@link DecisionVerifier}. */
    public static final class Builder {
        private final List<TrustedKey> keys = new ArrayList<>();
        private final Set<JWSAlgorithm> accepted = new LinkedHashSet<>();
        private String issuer;
        private Duration clockSkew = Duration.ofSeconds(60);
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** Trusts {@code key}, known by its key id (16 hex digits of SHA-256 over its X.509 encoding). */
        public Builder key(PublicKey key) {
            Objects.requireNonNull(key, "key");
            return key(CheckpointSigner.keyIdOf(key), key);
        }

        /**
         * Trusts {@code key} as one person's key: a decision it signs must name {@code approver}
         * (case-insensitive) and may claim only {@code groups}. Use this for operators' keys
         * ({@code agentguard approvals approve --key …}); a service key that signs for the
         * people it authenticated itself is given with {@link #key(PublicKey)}.
         */
        public Builder personalKey(PublicKey key, String approver, String... groups) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(approver, "approver");
            if (approver.isBlank()) {
                throw new IllegalArgumentException("approver must not be blank: name the person whose key this is");
            }
            key(CheckpointSigner.keyIdOf(key), key);
            TrustedKey added = keys.remove(keys.size() - 1);
            keys.add(new TrustedKey(added.keyId(), added.key(), added.algorithms(), approver.strip(),
                    Set.copyOf(Arrays.asList(groups))));
            return this;
        }

        /** Trusts {@code key} under the key id {@code keyId}. */
        public Builder key(String keyId, PublicKey key) {
            Objects.requireNonNull(keyId, "keyId");
            Objects.requireNonNull(key, "key");
            if (keyId.isBlank()) {
                throw new IllegalArgumentException("keyId must not be blank");
            }
            Set<JWSAlgorithm> algorithms = compatible(key);
            if (algorithms.isEmpty()) {
                throw new IllegalArgumentException("key " + keyId + " is a " + key.getAlgorithm() + " key; decision "
                        + "keys are Ed25519, EC (P-256, P-384, P-521) or RSA");
            }
            if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < 2048) {
                throw new IllegalArgumentException("RSA key " + keyId + " has " + rsa.getModulus().bitLength()
                        + " bits; at least 2048 are required");
            }
            for (TrustedKey k : keys) {
                if (k.keyId().equals(keyId)) {
                    throw new IllegalArgumentException("key id " + keyId + " is given twice; every key needs its own id");
                }
            }
            keys.add(new TrustedKey(keyId, key, algorithms));
            return this;
        }

        /**
         * Trusts every key of {@code jwks}: public keys only (a JWKS with a private key is
         * refused), each under its {@code kid} (or its computed key id) and, when it names one,
         * only with its {@code alg}.
         */
        public Builder keys(JWKSet jwks) {
            Objects.requireNonNull(jwks, "jwks");
            if (jwks.getKeys().isEmpty()) {
                throw new IllegalArgumentException("the JWKS holds no keys");
            }
            for (JWK jwk : jwks.getKeys()) {
                if (jwk.isPrivate()) {
                    throw new IllegalArgumentException("the JWKS holds a private key" + (jwk.getKeyID() == null ? ""
                            : " (kid " + shown(jwk.getKeyID()) + ")") + "; give verifiers the public keys only");
                }
                PublicKey key;
                try {
                    key = publicKeyOf(jwk);
                } catch (GeneralSecurityException | JOSEException e) {
                    throw new IllegalArgumentException("JWK " + (jwk.getKeyID() == null ? "without kid"
                            : shown(jwk.getKeyID())) + " is not a usable public key: " + e.getMessage(), e);
                }
                String kid = jwk.getKeyID() != null ? jwk.getKeyID() : CheckpointSigner.keyIdOf(key);
                key(kid, key);
                Algorithm alg = jwk.getAlgorithm();
                if (alg != null) {
                    TrustedKey added = keys.remove(keys.size() - 1);
                    JWSAlgorithm only = JWSAlgorithm.parse(alg.getName());
                    if (!added.algorithms().contains(only)) {
                        throw new IllegalArgumentException("JWK " + shown(kid) + " names alg " + shown(alg.getName())
                                + ", which its key cannot verify");
                    }
                    keys.add(new TrustedKey(kid, key, Set.of(only)));
                }
            }
            return this;
        }

        /**
         * Trusts the keys in {@code file}: a JWKS (JSON, starting with {) or PEM
         * {@code PUBLIC KEY} blocks (a file holding a private key is refused).
         */
        public Builder keyFile(Path file) throws IOException, GeneralSecurityException {
            Objects.requireNonNull(file, "file");
            if (Files.size(file) > 1024 * 1024) {
                throw new GeneralSecurityException(file + " is larger than 1 MiB; it is not a key file");
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            if (text.stripLeading().startsWith("{")) {
                JWKSet set;
                try {
                    set = JWKSet.parse(text);
                } catch (ParseException e) {
                    throw new GeneralSecurityException(file + " is not a valid JWKS (" + e.getMessage() + ")", e);
                }
                try {
                    return keys(set);
                } catch (IllegalArgumentException e) {
                    throw new GeneralSecurityException(file + ": " + e.getMessage(), e);
                }
            }
            for (PublicKey key : PemKeys.publicKeys(text, file.toString())) {
                try {
                    key(key);
                } catch (IllegalArgumentException e) {
                    throw new GeneralSecurityException(file + ": " + e.getMessage(), e);
                }
            }
            return this;
        }

        /**
         * The JWS algorithms accepted, e.g. {@code "EdDSA"}, {@code "ES256"}, {@code "RS256"};
         * required, since which algorithms count is a security decision. HMAC ({@code HS…}) and
         * {@code none} are refused: a decision is verified with a public key.
         */
        public Builder acceptedAlgorithms(String... algorithms) {
            accepted.clear();
            for (String name : algorithms) {
                Objects.requireNonNull(name, "algorithm");
                JWSAlgorithm a = JWSAlgorithm.parse(name);
                if (JWSAlgorithm.Family.HMAC_SHA.contains(a) || "none".equalsIgnoreCase(name)) {
                    throw new IllegalArgumentException("algorithm " + shown(name) + " is not accepted for approval "
                            + "decisions: they are verified with the approval service's public key; use EdDSA, "
                            + "ES256, ES384, ES512, RS256 or PS256");
                }
                if (!Ed25519Jws.ALGORITHMS.contains(a) && !RSA_ALGORITHMS.contains(a) && !JWSAlgorithm.ES256.equals(a)
                        && !JWSAlgorithm.ES384.equals(a) && !JWSAlgorithm.ES512.equals(a)) {
                    throw new IllegalArgumentException("unknown JWS algorithm " + shown(name) + "; use EdDSA, "
                            + "Ed25519, ES256, ES384, ES512, RS256, RS384, RS512, PS256, PS384 or PS512");
                }
                accepted.add(a);
            }
            return this;
        }

        /**
         * Accepts, for each key given so far, the algorithms of its kind (or its JWK's {@code alg}):
         * for offline checks of journaled evidence, where the key files themselves are the explicit
         * choice. An agent's verifier names its algorithms with {@link #acceptedAlgorithms}.
         */
        public Builder acceptKeyAlgorithms() {
            for (TrustedKey k : keys) {
                accepted.addAll(k.algorithms());
            }
            return this;
        }

        /** Requires every decision's {@code iss} to be {@code issuer}; default: not checked. */
        public Builder issuer(String issuer) {
            Objects.requireNonNull(issuer, "issuer");
            if (issuer.isBlank()) {
                throw new IllegalArgumentException("issuer must not be blank");
            }
            this.issuer = issuer;
            return this;
        }

        /** How far the signer's clock may be off, 0 to 5 minutes; default 60 seconds. */
        public Builder clockSkew(Duration skew) {
            Objects.requireNonNull(skew, "clockSkew");
            if (skew.isNegative() || skew.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("clockSkew is " + skew + "; allowed is 0 to 5 minutes (PT5M)");
            }
            this.clockSkew = skew;
            return this;
        }

        /** The clock for expiry checks; default the system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The verifier.
         *
         * @throws IllegalStateException when no key or no algorithm is given, or a key verifies
         *                               none of the accepted algorithms
         */
        public DecisionVerifier build() {
            if (keys.isEmpty()) {
                throw new IllegalStateException("a decision verifier needs the approval service's public key: call "
                        + "key(publicKey), keys(jwks) or keyFile(path)");
            }
            if (accepted.isEmpty()) {
                throw new IllegalStateException("name the accepted JWS algorithms, e.g. acceptedAlgorithms(\"EdDSA\"); "
                        + "the keys verify " + keys.stream().flatMap(k -> k.algorithms().stream())
                        .map(JWSAlgorithm::getName).sorted().distinct().toList());
            }
            for (TrustedKey k : keys) {
                if (k.algorithms().stream().noneMatch(accepted::contains)) {
                    throw new IllegalStateException("key " + k.keyId() + " verifies " + names(k.algorithms())
                            + ", none of the accepted algorithms (" + names(accepted) + "); accept its algorithm or "
                            + "remove the key");
                }
            }
            return new DecisionVerifier(this);
        }

        private static PublicKey publicKeyOf(JWK jwk) throws GeneralSecurityException, JOSEException {
            if (jwk instanceof OctetKeyPair okp) {
                if (!Curve.Ed25519.equals(okp.getCurve())) {
                    throw new GeneralSecurityException("OKP keys must be on curve Ed25519");
                }
                return Ed25519Jws.publicKey(okp.getDecodedX());
            }
            if (jwk instanceof ECKey ec) {
                return ec.toECPublicKey();
            }
            if (jwk instanceof RSAKey rsa) {
                return rsa.toRSAPublicKey();
            }
            throw new GeneralSecurityException("key type " + jwk.getKeyType() + " cannot verify signatures");
        }
    }
}

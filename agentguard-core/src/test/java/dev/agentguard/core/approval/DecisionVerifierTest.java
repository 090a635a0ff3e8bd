package dev.agentguard.core.approval;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.agentguard.audit.integrity.CheckpointSigner;
import dev.agentguard.core.action.Action;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.policy.Sql;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Signed decisions: what verifies, and every way a token can fail to (each one a refusal). */
class DecisionVerifierTest {

    static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");
    static final AgentIdentity AGENT = AgentIdentity.of("payments-bot", "payments");
    static final Action REFUND = Sql.insert("refunds").action("INSERT INTO refunds VALUES (?, ?)");
    static final Action OTHER = Sql.insert("refunds").action("INSERT INTO refunds VALUES (?, ?, ?)");
    static final ApprovalRequest REQUEST = ApprovalRequest.of("apr-1", AGENT, REFUND, "refunds", "refund order 42");

    private final KeyPair service = TestKeys.ed25519();
    private final DecisionSigner signer = TestKeys.signer(service);
    private final DecisionVerifier verifier = DecisionVerifier.builder().key(service.getPublic())
            .acceptedAlgorithms("EdDSA").clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();

    @TempDir
    Path tmp;

    private static DecisionClaims approval(ApprovalRequest r) {
        return DecisionClaims.of(true, r.requestId(), r.actionHash(), "bob@example.com", "duplicate charge",
                NOW.minusSeconds(5), Duration.ofMinutes(5));
    }

    private String rejected(String token) {
        return assertThrows(RejectedDecisionException.class, () -> verifier.verify(token, REQUEST)).getMessage();
    }

    private JWSHeader.Builder header(JWSAlgorithm alg) {
        return new JWSHeader.Builder(alg).type(new JOSEObjectType(DecisionClaims.TYPE)).keyID(signer.keyId());
    }

    @Test
    void aPersonalKeySignsOnlyAsItsOwnerAndWithItsOwnGroups() throws Exception {
        KeyPair bobs = TestKeys.ed25519();
        DecisionSigner bob = TestKeys.signer(bobs);
        DecisionVerifier personal = DecisionVerifier.builder().personalKey(bobs.getPublic(), "Bob@example.com", "payments-leads")
                .acceptedAlgorithms("EdDSA").clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();

        assertEquals("bob@example.com", personal.verify(bob.sign(approval(REQUEST).withGroups(Set.of("payments-leads"))),
                REQUEST).claims().approver(), "the owner's own decision verifies");

        DecisionClaims asAlice = DecisionClaims.of(true, REQUEST.requestId(), REQUEST.actionHash(), "alice@example.com",
                "ok", NOW.minusSeconds(5), Duration.ofMinutes(5));
        assertEquals("the decision names the approver (a value not shown here) but is signed by the key of Bob@example.com"
                + " (kid " + bob.keyId() + ")", assertThrows(RejectedDecisionException.class,
                () -> personal.verify(bob.sign(asAlice), REQUEST)).getMessage());

        String moreGroups = bob.sign(approval(REQUEST).withGroups(Set.of("payments-leads", "security")));
        assertEquals("the decision claims groups \"security\" that the key of Bob@example.com may not claim (allowed: "
                + "payments-leads)", assertThrows(RejectedDecisionException.class,
                () -> personal.verify(moreGroups, REQUEST)).getMessage());
    }

    @Test
    void acceptsADecisionSignedByTheServiceForThisRequestAndAction() throws Exception {
        DecisionClaims claims = approval(REQUEST).withGroups(Set.of("payments-leads")).withTokenId("t-1");
        String token = signer.sign(claims);

        SignedDecision d = verifier.verify(token, REQUEST);

        assertEquals(claims, d.claims());
        assertEquals(signer.keyId(), d.keyId());
        assertEquals("EdDSA", d.algorithm());
        assertEquals(token, d.compact());
        assertEquals(new ApprovalDecision(true, "bob@example.com", Set.of("payments-leads"), "duplicate charge", "t-1",
                token, null), ApprovalDecision.of(d));
    }

    @Test
    void acceptsAnEcP256DecisionFromAJwks() throws Exception {
        KeyPair ec = TestKeys.ec("secp256r1");
        DecisionSigner ecSigner = TestKeys.signer(ec);
        JWKSet jwks = new JWKSet(new ECKey.Builder(Curve.P_256, (ECPublicKey) ec.getPublic()).keyID(ecSigner.keyId())
                .build());
        DecisionVerifier v = DecisionVerifier.builder().keys(jwks).acceptedAlgorithms("ES256")
                .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();

        SignedDecision d = v.verify(ecSigner.sign(approval(REQUEST)), REQUEST);

        assertEquals("ES256", d.algorithm());
        assertEquals("bob@example.com", d.claims().approver());
    }

    @Test
    void aDecisionForAnotherRequestIsRefused() {
        ApprovalRequest other = ApprovalRequest.of("apr-2", AGENT, REFUND, "refunds", null);

        assertEquals("the signed decision is for another request (\"apr-2\"), not apr-1",
                rejected(signer.sign(approval(other))));
    }

    @Test
    void aGrantForAnotherActionCannotBeReplayedForThisOne() {
        DecisionClaims forOther = approval(ApprovalRequest.of("apr-1", AGENT, OTHER, "refunds", null));

        assertEquals("the signed decision's grant scope is another action (hash "
                + ApprovalRequest.hashOf(OTHER).substring(0, 12) + "…), not this one (hash "
                + REQUEST.actionHash().substring(0, 12) + "…)", rejected(signer.sign(forOther)));
    }

    @Test
    void anExpiredDecisionIsRefusedAfterTheClockSkew() {
        DecisionClaims old = DecisionClaims.of(true, "apr-1", REQUEST.actionHash(), "bob", null,
                NOW.minus(Duration.ofMinutes(10)), Duration.ofMinutes(8));

        assertEquals("the signed decision expired at 2026-11-26T09:58:00Z", rejected(signer.sign(old)));
        DecisionClaims withinSkew = DecisionClaims.of(true, "apr-1", REQUEST.actionHash(), "bob", null,
                NOW.minus(Duration.ofMinutes(10)), Duration.ofSeconds(570));
        assertEquals("bob", assertDoesNotReject(signer.sign(withinSkew)).claims().approver());
    }

    @Test
    void aDecisionIssuedInTheFutureIsRefused() {
        DecisionClaims future = DecisionClaims.of(true, "apr-1", REQUEST.actionHash(), "bob", null,
                NOW.plus(Duration.ofMinutes(5)), Duration.ofMinutes(5));

        assertEquals("the signed decision was issued at 2026-11-26T10:05:00Z, in the future", rejected(signer.sign(future)));
    }

    @Test
    void aGrantPastItsExpiryIsRefused() {
        DecisionClaims expiredGrant = approval(REQUEST).withGrantExpiresAt(NOW.minusSeconds(1));

        assertEquals("the grant of the signed decision expired at 2026-11-26T09:59:59Z",
                rejected(signer.sign(expiredGrant)));
    }

    @Test
    void anUnsignedTokenIsRefused() {
        String none = new PlainJWT(TestKeys.claimsOf(approval(REQUEST))).serialize();

        assertEquals("the decision is not a signed JWS (unsigned, or not a compact JWS at all)", rejected(none));
        assertEquals("the decision is not a signed JWS (unsigned, or not a compact JWS at all)", rejected("approved"));
        assertEquals("no signed decision came (an empty answer)", rejected(""));
    }

    @Test
    void aTamperedPayloadDoesNotVerify() {
        String denied = signer.sign(DecisionClaims.of(false, "apr-1", REQUEST.actionHash(), "bob", "no", NOW,
                Duration.ofMinutes(5)));
        String approvedPayload = signer.sign(approval(REQUEST)).split("\\.")[1];
        String[] parts = denied.split("\\.");

        assertEquals("the decision's signature does not verify with key \"" + signer.keyId() + "\"",
                rejected(parts[0] + "." + approvedPayload + "." + parts[2]));
    }

    @Test
    void aFlippedSignatureBitDoesNotVerify() {
        String[] parts = signer.sign(approval(REQUEST)).split("\\.");
        byte[] sig = Base64.getUrlDecoder().decode(parts[2]);
        sig[10] ^= 1;

        assertEquals("the decision's signature does not verify with key \"" + signer.keyId() + "\"",
                rejected(parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig)));
    }

    @Test
    void aDecisionSignedByAnotherKeyIsRefusedEvenUnderTheTrustedKid() {
        KeyPair attacker = TestKeys.ed25519();
        String forged = TestKeys.raw(attacker, header(JWSAlgorithm.EdDSA).build(), TestKeys.claimsOf(approval(REQUEST)));

        assertEquals("the decision's signature does not verify with key \"" + signer.keyId() + "\"", rejected(forged));
        assertEquals("the decision is signed by an unknown key (kid \"" + TestKeys.signer(attacker).keyId() + "\")",
                rejected(TestKeys.signer(attacker).sign(approval(REQUEST))));
    }

    @Test
    void aKeyEmbeddedInTheTokenIsNeverTrusted() {
        KeyPair attacker = TestKeys.ed25519();
        byte[] x = Arrays.copyOfRange(attacker.getPublic().getEncoded(), 12, 44);
        JWSHeader withJwk = header(JWSAlgorithm.EdDSA)
                .jwk(new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).build()).build();

        assertEquals("the decision's signature does not verify with key \"" + signer.keyId() + "\"",
                rejected(TestKeys.raw(attacker, withJwk, TestKeys.claimsOf(approval(REQUEST)))));
    }

    @Test
    void hmacWithThePublicKeyAsSecretIsRefused() throws Exception {
        // Algorithm confusion: an HS256 token "signed" with the public key bytes a verifier might accept.
        SignedJWT jwt = new SignedJWT(header(JWSAlgorithm.HS256).build(), TestKeys.claimsOf(approval(REQUEST)));
        jwt.sign(new MACSigner(service.getPublic().getEncoded()));

        assertEquals("the decision is signed with algorithm \"HS256\", which is not accepted (accepted: EdDSA)",
                rejected(jwt.serialize()));
        assertEquals("algorithm \"HS256\" is not accepted for approval decisions: they are verified with the approval "
                + "service's public key; use EdDSA, ES256, ES384, ES512, RS256 or PS256",
                assertThrows(IllegalArgumentException.class,
                        () -> DecisionVerifier.builder().acceptedAlgorithms("HS256")).getMessage());
        assertEquals("algorithm \"none\" is not accepted for approval decisions: they are verified with the approval "
                + "service's public key; use EdDSA, ES256, ES384, ES512, RS256 or PS256",
                assertThrows(IllegalArgumentException.class,
                        () -> DecisionVerifier.builder().acceptedAlgorithms("none")).getMessage());
    }

    @Test
    void anAcceptedAlgorithmOfAnotherKeyKindIsRefused() {
        KeyPair ec = TestKeys.ec("secp256r1");
        DecisionVerifier both = DecisionVerifier.builder().key(service.getPublic()).acceptedAlgorithms("EdDSA", "ES256")
                .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
        String es256UnderEdKid = TestKeys.raw(ec, header(JWSAlgorithm.ES256).build(),
                TestKeys.claimsOf(approval(REQUEST)));

        assertEquals("no configured key with kid \"" + signer.keyId() + "\" verifies ES256 signatures",
                assertThrows(RejectedDecisionException.class, () -> both.verify(es256UnderEdKid, REQUEST)).getMessage());
    }

    @Test
    void aTokenOfAnotherTypeIsRefused() {
        JWTClaimsSet claims = TestKeys.claimsOf(approval(REQUEST));

        assertEquals("the decision's typ is \"JWT\"; a signed decision has typ agentguard-approval+jwt",
                rejected(TestKeys.raw(service, header(JWSAlgorithm.EdDSA).type(JOSEObjectType.JWT).build(), claims)));
        assertEquals("the decision's typ is missing; a signed decision has typ agentguard-approval+jwt",
                rejected(TestKeys.raw(service, new JWSHeader.Builder(JWSAlgorithm.EdDSA).keyID(signer.keyId()).build(),
                        claims)));
    }

    @Test
    void criticalHeadersAreRefused() {
        JWSHeader crit = header(JWSAlgorithm.EdDSA).criticalParams(Set.of("exp")).customParam("exp", 1).build();

        assertEquals("the decision has critical header parameters this verifier does not understand",
                rejected(TestKeys.raw(service, crit, TestKeys.claimsOf(approval(REQUEST)))));
    }

    @Test
    void everyRequiredClaimMustBePresent() {
        JWTClaimsSet full = TestKeys.claimsOf(approval(REQUEST));
        for (String claim : new String[] {"exp", "iat", "sub", "decision", "request_id", "grant_scope"}) {
            JWTClaimsSet without = new JWTClaimsSet.Builder(full).claim(claim, null).build();
            String expected = switch (claim) {
                case "exp" -> "claim \"exp\" (until when it may be accepted) is missing";
                case "iat" -> "claim \"iat\" (when it was signed) is missing";
                default -> "claim \"" + claim + "\" is missing";
            };
            assertEquals("the signed decision's claims do not hold: " + expected,
                    rejected(TestKeys.raw(service, header(JWSAlgorithm.EdDSA).build(), without)), claim);
        }
        JWTClaimsSet maybe = new JWTClaimsSet.Builder(full).claim("decision", "maybe").build();
        assertEquals("the signed decision's claims do not hold: claim \"decision\" must be \"approved\" or \"denied\"",
                rejected(TestKeys.raw(service, header(JWSAlgorithm.EdDSA).build(), maybe)));
    }

    @Test
    void theIssuerIsCheckedWhenConfigured() throws Exception {
        DecisionVerifier strict = DecisionVerifier.builder().key(service.getPublic()).acceptedAlgorithms("EdDSA")
                .issuer("https://approvals.example.com").clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();

        assertEquals("the signed decision's issuer is missing, not https://approvals.example.com",
                assertThrows(RejectedDecisionException.class,
                        () -> strict.verify(signer.sign(approval(REQUEST)), REQUEST)).getMessage());
        assertEquals("bob@example.com", strict.verify(signer.sign(approval(REQUEST)
                .withIssuer("https://approvals.example.com")), REQUEST).claims().approver());
    }

    @Test
    void aRejectionKeepsOnlyTheTokensHash() {
        String token = signer.sign(approval(ApprovalRequest.of("apr-2", AGENT, REFUND, "refunds", null)));

        RejectedDecisionException e = assertThrows(RejectedDecisionException.class, () -> verifier.verify(token, REQUEST));

        assertEquals(64, e.tokenSha256().length());
        assertFalse(e.getMessage().contains(token));
    }

    @Test
    void keyFilesArePemPublicKeysOrJwksNeverPrivateKeys() throws Exception {
        Path pub = Files.writeString(tmp.resolve("approvals.pub"), signer.publicKeyPem());
        assertEquals(java.util.List.of(signer.keyId()), DecisionVerifier.builder().keyFile(pub)
                .acceptedAlgorithms("EdDSA").build().keyIds());

        Path both = Files.writeString(tmp.resolve("signing.pem"), CheckpointSigner.privateKeyPemWithPublicKey(service));
        assertEquals(both + " holds a private key; give verifiers the public key only (e.g. the .pub file of "
                + "'agentguard keys generate')", assertThrows(java.security.GeneralSecurityException.class,
                () -> DecisionVerifier.builder().keyFile(both)).getMessage());

        KeyPair ec = TestKeys.ec("secp256r1");
        Path privateJwks = Files.writeString(tmp.resolve("private.jwks"), new JWKSet(new ECKey.Builder(Curve.P_256,
                (ECPublicKey) ec.getPublic()).privateKey(ec.getPrivate()).keyID("k1").build()).toString(false));
        assertEquals(privateJwks + ": the JWKS holds a private key (kid \"k1\"); give verifiers the public keys only",
                assertThrows(java.security.GeneralSecurityException.class,
                        () -> DecisionVerifier.builder().keyFile(privateJwks)).getMessage());
    }

    @Test
    void theBuilderNeedsKeysAndExplicitAlgorithmsThatFitThem() {
        assertEquals("a decision verifier needs the approval service's public key: call key(publicKey), keys(jwks) or "
                + "keyFile(path)", assertThrows(IllegalStateException.class,
                () -> DecisionVerifier.builder().acceptedAlgorithms("EdDSA").build()).getMessage());
        assertEquals("name the accepted JWS algorithms, e.g. acceptedAlgorithms(\"EdDSA\"); the keys verify [Ed25519, "
                + "EdDSA]", assertThrows(IllegalStateException.class,
                () -> DecisionVerifier.builder().key(service.getPublic()).build()).getMessage());
        assertEquals("key " + signer.keyId() + " verifies Ed25519, EdDSA, none of the accepted algorithms (ES256); "
                + "accept its algorithm or remove the key", assertThrows(IllegalStateException.class,
                () -> DecisionVerifier.builder().key(service.getPublic()).acceptedAlgorithms("ES256").build())
                .getMessage());
        assertEquals(Set.of("ES256"), DecisionVerifier.algorithmsFor(TestKeys.ec("secp256r1").getPublic()));
    }

    @Test
    void theSignerNeverShowsItsKey() {
        assertEquals("DecisionSigner[EdDSA, keyId=" + signer.keyId() + "]", signer.toString());
        assertTrue(signer.sign(approval(REQUEST)).startsWith("eyJ"));
        JWSHeader h = header(JWSAlgorithm.EdDSA).build();
        assertEquals(DecisionClaims.TYPE, h.getType().getType());
    }

    @Test
    void claimsMustBeWellFormedWhenSigning() {
        assertEquals("actionHash must be 64 lower-case hex digits (ApprovalRequest.actionHash)",
                assertThrows(IllegalArgumentException.class, () -> DecisionClaims.of(true, "apr-1", "abc", "bob", null,
                        NOW, Duration.ofMinutes(1))).getMessage());
        assertEquals("validFor must be more than 0, got PT0S", assertThrows(IllegalArgumentException.class,
                () -> DecisionClaims.of(true, "apr-1", REQUEST.actionHash(), "bob", null, NOW, Duration.ZERO))
                .getMessage());
    }

    private SignedDecision assertDoesNotReject(String token) {
        try {
            return verifier.verify(token, REQUEST);
        } catch (RejectedDecisionException e) {
            throw new AssertionError("rejected: " + e.getMessage(), e);
        }
    }
}

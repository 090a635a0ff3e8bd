package dev.agentguard.core.approval;

import com.nimbusds.jwt.JWTClaimsSet;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a signed approval decision says: the claims of its JWS (docs/approvals.md, "the response").
 *
 * <table>
 *   <caption>claims</caption>
 *   <tr><th>claim</th><th>component</th></tr>
 *   <tr><td>{@code sub}</td><td>{@link #approver()}</td></tr>
 *   <tr><td>{@code groups}</td><td>{@link #groups()}</td></tr>
 *   <tr><td>{@code decision}</td><td>{@code "approved"} or {@code "denied"}: {@link #approved()}</td></tr>
 *   <tr><td>{@code reason}</td><td>{@link #reason()}: the justification or the rejection reason</td></tr>
 *   <tr><td>{@code request_id}</td><td>{@link #requestId()}</td></tr>
 *   <tr><td>{@code grant_scope}</td><td>{@link #actionHash()}: the grant covers this action only</td></tr>
 *   <tr><td>{@code grant_exp}</td><td>{@link #grantExpiresAt()} (seconds since the epoch), optional</td></tr>
 *   <tr><td>{@code iat}, {@code exp}</td><td>{@link #issuedAt()}, {@link #expiresAt()}: when the token
 *       may be accepted</td></tr>
 *   <tr><td>{@code iss}, {@code jti}</td><td>{@link #issuer()}, {@link #tokenId()}, optional</td></tr>
 * </table>
 *
 * @param requestId      the approval request decided
 * @param actionHash     the request's action hash (64 lower-case hex digits): the grant's scope
 * @param approved       whether the action may run
 * @param approver       who decided, 1 to 200 characters
 * @param groups         the approver's groups
 * @param reason         the justification or rejection reason, or {@code null}
 * @param issuedAt       when the decision was signed
 * @param expiresAt      after this the token is no longer accepted
 * @param grantExpiresAt when the grant ends at the latest, or {@code null}
 * @param issuer         the approval service, or {@code null}
 * @param tokenId        the token's id, or {@code null}
 */
public record DecisionClaims(String requestId, String actionHash, boolean approved, String approver, Set<String> groups,
                             String reason, Instant issuedAt, Instant expiresAt, Instant grantExpiresAt, String issuer,
                             String tokenId) {

    /** The JOSE {@code typ} every signed decision carries, so that no other token of the same key passes for one. */
    public static final String TYPE = "agentguard-approval+jwt";

    static final String DECISION = "decision";
    static final String GROUPS = "groups";
    static final String REASON = "reason";
    static final String REQUEST_ID = "request_id";
    static final String GRANT_SCOPE = "grant_scope";
    static final String GRANT_EXP = "grant_exp";

    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
    private static final int MAX_NAME = 200;
    private static final int MAX_REASON = 2000;

    public DecisionClaims {
        requireText("requestId", requestId, MAX_NAME);
        Objects.requireNonNull(actionHash, "actionHash");
        if (!HASH.matcher(actionHash).matches()) {
            throw new IllegalArgumentException("actionHash must be 64 lower-case hex digits (ApprovalRequest.actionHash)");
        }
        requireText("approver", approver, MAX_NAME);
        groups = Collections.unmodifiableSet(new LinkedHashSet<>(groups == null ? Set.of() : groups));
        for (String g : groups) {
            requireText("each group", g, MAX_NAME);
        }
        if (reason != null && reason.isBlank()) {
            reason = null;
        }
        if (reason != null && reason.length() > MAX_REASON) {
            throw new IllegalArgumentException("reason is " + reason.length() + " characters; at most " + MAX_REASON
                    + " are accepted: state it in a few sentences");
        }
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if (!expiresAt.isAfter(issuedAt)) {
            throw new IllegalArgumentException("expiresAt must be after issuedAt");
        }
        if (grantExpiresAt != null && !grantExpiresAt.isAfter(issuedAt)) {
            throw new IllegalArgumentException("grantExpiresAt must be after issuedAt");
        }
        if (issuer != null) {
            requireText("issuer", issuer, MAX_NAME);
        }
        if (tokenId != null) {
            requireText("tokenId", tokenId, MAX_NAME);
        }
    }

    /**
     * A decision on {@code request} by {@code approver}, signed at {@code now} and acceptable for
     * {@code validFor}; no groups, grant expiry, issuer or token id (add them with the
     * {@code with…} methods).
     */
    public static DecisionClaims of(boolean approved, String requestId, String actionHash, String approver, String reason,
                                    Instant now, Duration validFor) {
        Objects.requireNonNull(validFor, "validFor");
        if (validFor.isNegative() || validFor.isZero()) {
            throw new IllegalArgumentException("validFor must be more than 0, got " + validFor);
        }
        return new DecisionClaims(requestId, actionHash, approved, approver, Set.of(), reason, now, now.plus(validFor),
                null, null, null);
    }

    /** These claims with {@code groups}. */
    public DecisionClaims withGroups(Set<String> groups) {
        return new DecisionClaims(requestId, actionHash, approved, approver, groups, reason, issuedAt, expiresAt,
                grantExpiresAt, issuer, tokenId);
    }

    /** These claims with a grant that ends at {@code grantExpiresAt} at the latest. */
    public DecisionClaims withGrantExpiresAt(Instant grantExpiresAt) {
        return new DecisionClaims(requestId, actionHash, approved, approver, groups, reason, issuedAt, expiresAt,
                grantExpiresAt, issuer, tokenId);
    }

    /** These claims issued by {@code issuer}. */
    public DecisionClaims withIssuer(String issuer) {
        return new DecisionClaims(requestId, actionHash, approved, approver, groups, reason, issuedAt, expiresAt,
                grantExpiresAt, issuer, tokenId);
    }

    /** These claims with the token id {@code tokenId}. */
    public DecisionClaims withTokenId(String tokenId) {
        return new DecisionClaims(requestId, actionHash, approved, approver, groups, reason, issuedAt, expiresAt,
                grantExpiresAt, issuer, tokenId);
    }

    /** The JWT claims set to sign. */
    JWTClaimsSet toClaimsSet() {
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
                .subject(approver)
                .claim(DECISION, approved ? "approved" : "denied")
                .claim(REQUEST_ID, requestId)
                .claim(GRANT_SCOPE, actionHash)
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(expiresAt));
        if (!groups.isEmpty()) {
            b.claim(GROUPS, List.copyOf(groups));
        }
        if (reason != null) {
            b.claim(REASON, reason);
        }
        if (grantExpiresAt != null) {
            b.claim(GRANT_EXP, grantExpiresAt.getEpochSecond());
        }
        if (issuer != null) {
            b.issuer(issuer);
        }
        if (tokenId != null) {
            b.jwtID(tokenId);
        }
        return b.build();
    }

    /**
     * Reads the claims of a signed token whose signature was verified.
     *
     * @throws IllegalArgumentException naming the first missing or malformed claim (never quoting it)
     */
    static DecisionClaims from(JWTClaimsSet c) {
        Map<String, Object> all = c.getClaims();
        String decision = string(all, DECISION);
        if (!"approved".equals(decision) && !"denied".equals(decision)) {
            throw new IllegalArgumentException("claim \"decision\" must be \"approved\" or \"denied\"");
        }
        Date iat = c.getIssueTime();
        Date exp = c.getExpirationTime();
        if (iat == null) {
            throw new IllegalArgumentException("claim \"iat\" (when it was signed) is missing");
        }
        if (exp == null) {
            throw new IllegalArgumentException("claim \"exp\" (until when it may be accepted) is missing");
        }
        Object groupsClaim = all.get(GROUPS);
        Set<String> groups = new LinkedHashSet<>();
        if (groupsClaim != null) {
            if (!(groupsClaim instanceof List<?> list)) {
                throw new IllegalArgumentException("claim \"groups\" must be a list of names");
            }
            for (Object g : list) {
                if (!(g instanceof String s)) {
                    throw new IllegalArgumentException("claim \"groups\" must be a list of names");
                }
                groups.add(s);
            }
        }
        Object grantExp = all.get(GRANT_EXP);
        Instant grantExpiresAt = null;
        if (grantExp != null) {
            if (!(grantExp instanceof Number n)) {
                throw new IllegalArgumentException("claim \"grant_exp\" must be seconds since the epoch");
            }
            grantExpiresAt = Instant.ofEpochSecond(n.longValue());
        }
        String subject = string(all, "sub");
        String requestId = string(all, REQUEST_ID);
        String scope = string(all, GRANT_SCOPE);
        String reason;
        String issuer;
        String tokenId;
        try {
            reason = c.getStringClaim(REASON);
            issuer = c.getStringClaim("iss");
            tokenId = c.getStringClaim("jti");
        } catch (ParseException e) {
            throw new IllegalArgumentException("claims \"reason\", \"iss\" and \"jti\" must be text");
        }
        return new DecisionClaims(requestId, scope, "approved".equals(decision), subject, groups, reason,
                iat.toInstant(), exp.toInstant(), grantExpiresAt, issuer, tokenId);
    }

    private static String string(Map<String, Object> claims, String name) {
        Object v = claims.get(name);
        if (v == null) {
            throw new IllegalArgumentException("claim \"" + name + "\" is missing");
        }
        if (!(v instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException("claim \"" + name + "\" must be text");
        }
        return s;
    }

    private static void requireText(String what, String value, int max) {
        Objects.requireNonNull(value, what);
        if (value.isBlank() || value.length() > max) {
            throw new IllegalArgumentException(what + " must be 1 to " + max + " characters, got " + value.length());
        }
    }
}

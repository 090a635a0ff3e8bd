package dev.agentguard.audit.integrity;

import dev.agentguard.audit.Hash;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A signed statement "journal J had event number S with hash H at time T", one text line in
 * {@code checkpoints.log}:
 *
 * <pre>
 * AGCP1 journal=3f9a0c1b2d4e seq=1000 hash=9c1d…(64 hex) time=2026-11-25T22:14:03.123456789Z key=5b2e…(16 hex) sig=BASE64URL
 * </pre>
 *
 * The Ed25519 signature covers the line up to, not including, {@code " sig="}. An unsigned
 * checkpoint has {@code key=- sig=-}. Lines are self-contained, so the file can be shipped off
 * the host, appended to a SIEM or printed, and still be checked line by line.
 *
 * @param journalId  the journal the checkpoint belongs to
 * @param sequence   the event it covers
 * @param hash       that event's hash
 * @param time       when the checkpoint was written
 * @param keyId      the signing key's id ({@link CheckpointSigner#keyId()}), or {@code null} when unsigned
 * @param signature  the Ed25519 signature, or {@code null} when unsigned
 */
public record Checkpoint(String journalId, long sequence, Hash hash, Instant time, String keyId, byte[] signature) {
    /** The marker that starts every checkpoint line (format version 1). */
    public static final String MARKER = "AGCP1";

    private static final Pattern LINE = Pattern.compile(
            "AGCP1 journal=([0-9a-f]{12}) seq=([0-9]{1,19}) hash=([0-9a-f]{64}) time=(\\S+) key=([0-9a-f]{16}|-) sig=([A-Za-z0-9_-]+|-)");

    public Checkpoint {
        Objects.requireNonNull(journalId, "journalId");
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(time, "time");
        if ((keyId == null) != (signature == null)) {
            throw new IllegalArgumentException("keyId and signature are both present or both absent");
        }
        signature = signature == null ? null : signature.clone();
    }

    /** A copy of the signature bytes, or {@code null} for an unsigned checkpoint. */
    @Override
    public byte[] signature() {
        return signature == null ? null : signature.clone();
    }

    /** True when the checkpoint carries a signature. */
    public boolean signed() {
        return signature != null;
    }

    /** The text the signature covers. */
    public String signedText() {
        return MARKER + " journal=" + journalId + " seq=" + sequence + " hash=" + hash.toHex()
                + " time=" + time + " key=" + (keyId == null ? "-" : keyId);
    }

    /** The line as written to {@code checkpoints.log}. */
    public String toLine() {
        return signedText() + " sig=" + (signature == null ? "-"
                : Base64.getUrlEncoder().withoutPadding().encodeToString(signature));
    }

    /** The statement for event {@code sequence}, signed by {@code signer}, or unsigned when it is null. */
    public static Checkpoint create(String journalId, long sequence, Hash hash, Instant time, CheckpointSigner signer) {
        if (signer == null) {
            return new Checkpoint(journalId, sequence, hash, time, null, null);
        }
        Checkpoint unsigned = new Checkpoint(journalId, sequence, hash, time, signer.keyId(), new byte[0]);
        byte[] sig = signer.sign(unsigned.signedText().getBytes(StandardCharsets.UTF_8));
        return new Checkpoint(journalId, sequence, hash, time, signer.keyId(), sig);
    }

    /**
     * Checks the signature with {@code key}. Throws rather than returning a boolean, so that a
     * forgotten check cannot pass for a good one.
     */
    public void verifySignature(PublicKey key) throws CheckpointSignatureException {
        if (signature == null) {
            throw new CheckpointSignatureException("checkpoint for event " + sequence + " is not signed");
        }
        String expectedKeyId = CheckpointSigner.keyIdOf(key);
        if (!expectedKeyId.equals(keyId)) {
            throw new CheckpointSignatureException("checkpoint for event " + sequence + " was signed by key "
                    + keyId + ", not by the given public key " + expectedKeyId);
        }
        boolean valid;
        try {
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(signedText().getBytes(StandardCharsets.UTF_8));
            valid = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            throw new CheckpointSignatureException("checkpoint for event " + sequence
                    + " cannot be verified: " + e.getMessage());
        }
        if (!valid) {
            throw new CheckpointSignatureException("checkpoint for event " + sequence + " has a bad signature");
        }
    }

    /**
     * Parses one line of a checkpoint file.
     *
     * @throws IllegalArgumentException with the reason when the line is not a checkpoint
     */
    public static Checkpoint parse(String line) {
        Matcher m = LINE.matcher(line.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a checkpoint line (expected '" + MARKER
                    + " journal=… seq=… hash=… time=… key=… sig=…')");
        }
        Instant time;
        try {
            time = Instant.parse(m.group(4));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("time '" + m.group(4) + "' is not an ISO-8601 instant");
        }
        long seq;
        try {
            seq = Long.parseLong(m.group(2));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("seq '" + m.group(2) + "' is out of range");
        }
        boolean unsigned = m.group(5).equals("-");
        if (unsigned != m.group(6).equals("-")) {
            throw new IllegalArgumentException("key and sig must both be '-' or both be present");
        }
        byte[] sig;
        try {
            sig = unsigned ? null : Base64.getUrlDecoder().decode(m.group(6));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sig is not base64url");
        }
        return new Checkpoint(m.group(1), seq, Hash.fromHex(m.group(3)), time, unsigned ? null : m.group(5), sig);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Checkpoint c && c.toLine().equals(toLine());
    }

    @Override
    public int hashCode() {
        return toLine().hashCode();
    }

    @Override
    public String toString() {
        return toLine();
    }
}

package dev.agentguard.ssh;

import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.AttributeRepository.AttributeKey;

import java.net.SocketAddress;
import java.security.PublicKey;

/**
 * Checks the key a host presents against the {@link HostKeys} of the target the session was
 * opened for (carried as a session attribute from the connect call, so it is known before the
 * key exchange). A session without a target, a target without a match, or a check that throws:
 * refused. The client has no other verifier, so no key is ever accepted unchecked.
 */
final class TargetKeyVerifier implements ServerKeyVerifier {

    /** The target a session connects to. */
    static final AttributeKey<SshTarget> TARGET = new AttributeKey<>();
    /** What the check found, handed in with the connect call so it survives a connection that fails. */
    static final AttributeKey<Verdict> VERDICT = new AttributeKey<>();

    /** The fingerprint of the key the host presented and, when it was refused, why. */
    static final class Verdict {
        private volatile String fingerprint;
        private volatile String refusal;

        String fingerprint() {
            return fingerprint;
        }

        String refusal() {
            return refusal;
        }
    }

    static final TargetKeyVerifier INSTANCE = new TargetKeyVerifier();

    private TargetKeyVerifier() {
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
        // The connect call's context, not a session attribute: it is there before the key exchange.
        AttributeRepository context = session.getConnectionContext();
        SshTarget target = context == null ? null : context.getAttribute(TARGET);
        Verdict verdict = context == null ? null : context.getAttribute(VERDICT);
        if (verdict == null) {
            verdict = new Verdict();
        }
        try {
            if (serverKey == null) {
                verdict.refusal = "the host presented no key";
                return false;
            }
            verdict.fingerprint = HostKeys.fingerprint(serverKey);
            if (target == null) {
                verdict.refusal = "the session names no target, so no host key can be accepted";
                return false;
            }
            String refusal = target.hostKeys().refusal(target.host(), target.port(), serverKey);
            if (refusal != null) {
                verdict.refusal = refusal;
                return false;
            }
            return true;
        } catch (RuntimeException e) {
            verdict.refusal = "the host key could not be checked (" + e.getClass().getSimpleName() + ")";
            return false;
        }
    }
}

package dev.agentguard.ssh;

import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.identity.IdentitySource;
import dev.agentguard.core.policy.Policy;
import dev.agentguard.core.policy.PolicyFileException;

import java.nio.file.Path;

/** Builds guarded clients against a {@link TestSshServer}, as an operator would configure them. */
final class SshFixture {

    static final String AGENT = "ops-agent";

    private SshFixture() {
    }

    static Policy policy(String yaml) {
        try {
            return Policy.parse(yaml, "test-policy.yaml");
        } catch (PolicyFileException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** A target "app1" on the test server, logging in with the agent's key, the server's Ed25519 key pinned. */
    static SshTarget.Builder target(TestSshServer server, Path dir) {
        return SshTarget.builder("app1")
                .host("127.0.0.1")
                .port(server.port())
                .user(TestSshServer.USER)
                .credential(SshCredential.privateKeyFile(TestKeys.writePrivateKey(dir, TestKeys.CLIENT_ED25519)))
                .hostKeys(HostKeys.pinned(TestKeys.publicLine(TestKeys.HOST_ED25519)))
                .recordings(dir.resolve("recordings"));
    }

    static GuardedSshClient.Builder client(SshTarget target, Policy policy, Journal journal) {
        return GuardedSshClient.builder()
                .target(target)
                .identity(IdentitySource.fixed(AgentIdentity.of(AGENT, "ops")))
                .policy(policy)
                .journal(journal);
    }
}

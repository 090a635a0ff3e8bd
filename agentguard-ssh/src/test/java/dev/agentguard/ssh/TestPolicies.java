package dev.agentguard.ssh;

import dev.agentguard.core.policy.Policy;

/** The policy the SSH tests run under, as an operations team would write it. */
final class TestPolicies {

    /** The programs the test server scripts, allowed by name. */
    static final String OPS_YAML = """
            policy: ops-agent
            version: 1
            default: deny
            rules:
              - id: no-shadow
                description: Password hashes are never read.
                deny: { ssh: { paths: ["/etc/shadow", "/etc/gshadow"] } }
              - id: no-rm
                deny: { ssh: { programs: [rm] } }
              - id: no-etc-writes
                deny: { ssh: { writes: ["/etc/**"] } }
              - id: sudo-needs-approval
                requireApproval: { ssh: { programs: [sudo] } }
              - id: sudo-systemctl
                allow: { ssh: { programs: [sudo, systemctl] } }
              - id: no-shell-on-app2
                deny: { ssh: { hosts: ["app2*"], interactive: true } }
              - id: read-only-tools
                allow: { ssh: { programs: [df, uptime, echo, card-line, split-pan, stderr-pan, ls, cat, grep, tail,
                                           hang, exit, open-channel, pwd, printf, sleep, "true", id] } }
              - id: sftp-under-srv
                allow: { ssh: { sftp: [list, read, write, mkdir, rename, remove], paths: ["/srv/**"],
                                writes: ["/srv/**"] } }
              - id: sftp-read-logs
                allow: { ssh: { sftp: [list, read], paths: ["/var/log/**"] } }
            masking:
              detectors: { pan: partial }
            """;

    private TestPolicies() {
    }

    static Policy ops() {
        return SshFixture.policy(OPS_YAML);
    }
}

package dev.agentguard.http;

import dev.agentguard.core.policy.Policy;
import dev.agentguard.core.policy.PolicyFileException;

/** The policy the HTTP tests run under, as a compliance team would write it. */
final class TestPolicies {

    static final String PAYMENTS_API_YAML = """
            policy: payments-api
            version: 1
            default: deny
            rules:
              - id: no-admin
                description: Nobody reaches the admin API through an agent.
                deny: { http: { paths: ["/admin/**"] } }
              - id: no-debug-switch
                deny: { http: { queryParameters: [debug] } }
              - id: big-refunds
                description: A refund over 100 needs a person's approval.
                requireApproval: { http: { methods: [POST], paths: [/v1/refunds], jsonField: { field: amount, over: 100 } } }
              - id: refunds
                allow: { http: { methods: [POST], paths: [/v1/refunds], jsonField: { field: amount, atMost: 100 } } }
              - id: uploads
                allow: { http: { methods: [POST, PUT], paths: ["/v1/uploads/**"], maxBodySize: 1024 } }
              - id: read-api
                allow: { http: { methods: [GET, HEAD], paths: ["/v1/**", "/public/**", "/hop/**"] } }
              - id: echo
                allow: { http: { methods: [GET, POST, PUT, DELETE], paths: ["/echo/**"] } }
            masking:
              detectors: { pan: partial }
            """;

    private TestPolicies() {
    }

    static Policy paymentsApi() {
        return parse(PAYMENTS_API_YAML);
    }

    static Policy parse(String yaml) {
        try {
            return Policy.parse(yaml, "test-http-policy.yaml");
        } catch (PolicyFileException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}

package dev.agentguard.cli;

import dev.agentguard.audit.Channel;
import dev.agentguard.core.action.Action;
import dev.agentguard.core.action.HttpAction;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.policy.Effect;
import dev.agentguard.core.policy.Policy;
import dev.agentguard.core.policy.Rule;
import dev.agentguard.core.policy.Verdict;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One HTTP request decided by a policy the way the guarded {@code HttpClient} would decide it,
 * sending nothing. Shared by {@code policy check --http} and {@code policy test}.
 *
 * @param text           the request as the tool prints it: method and URL without userinfo, the
 *                       query's parameter names kept and every value replaced by {@code ?}, then
 *                       passed through the text detectors; safe to print (a card number in the
 *                       query or the path is never shown)
 * @param request        what the policy saw
 * @param shownJsonFields the request's JSON fields with their values through the text detectors
 * @param verdict        the policy's answer
 * @param intentRequired the approval rule that decided refuses, without asking anyone, an agent
 *                       that states no intent
 */
record CheckedRequest(String text, HttpAction request, Map<String, String> shownJsonFields, Verdict verdict,
                      boolean intentRequired) {

    /**
     * Parses {@code method} and {@code url} into a request with the given header names, body
     * size and JSON fields, and decides it.
     *
     * @throws InputException naming what is wrong with the method or URL (never quoting the URL,
     *                        which may hold secrets)
     */
    static CheckedRequest decide(Policy policy, AgentIdentity identity, String method, String url,
                                 Set<String> headers, long bodySize, Map<String, String> jsonFields)
            throws InputException {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new InputException("the URL of --http is not a valid URI at index " + e.getIndex()
                    + "; percent-encode spaces and other reserved characters");
        }
        HttpAction request;
        try {
            request = HttpAction.of(method, uri, headers, bodySize, jsonFields);
        } catch (IllegalArgumentException e) {
            throw new InputException("--http " + e.getMessage());
        }
        return decide(policy, identity, request);
    }

    /** Decides {@code request} for {@code identity} with {@code policy}. */
    static CheckedRequest decide(Policy policy, AgentIdentity identity, HttpAction request) {
        // The path may hold a value too (/cards/4111…): the detectors mask it as the journal would.
        String text = policy.masking().masker().maskText(redacted(request), null);
        Action action = new Action(Channel.HTTP, request.host() + ":" + request.port(), text, request);
        Verdict verdict = policy.decide(identity, action);
        boolean intentRequired = verdict.effect() == Effect.REQUIRE_APPROVAL
                && policy.rule(verdict.ruleId()).map(Rule::requireIntent).orElse(false);
        Map<String, String> shown = new java.util.TreeMap<>();
        request.jsonFields().forEach((k, v) -> shown.put(k, policy.masking().masker().maskText(v, null)));
        return new CheckedRequest(text, request, Map.copyOf(shown), verdict, intentRequired);
    }

    /** {@code POST https://api.example.com/v1/refunds?card=?&note=?}: the query's values hidden like SQL literals. */
    static String redacted(HttpAction request) {
        StringBuilder b = new StringBuilder(request.describe());
        char separator = '?';
        for (Map.Entry<String, List<String>> p : request.queryParameters().entrySet()) {
            for (int i = 0; i < Math.max(1, p.getValue().size()); i++) {
                b.append(separator).append(p.getKey()).append("=?");
                separator = '&';
            }
        }
        return b.toString();
    }
}

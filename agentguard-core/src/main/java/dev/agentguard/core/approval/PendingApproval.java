package dev.agentguard.core.approval;

import com.nimbusds.jose.util.JSONObjectUtils;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An approval request as an approval service or an operator sees it: the JSON document the
 * {@link WebhookApprover} posts and the {@link DirectoryApprover} writes (docs/approvals.md, "the
 * request"). It is built from the redacted action and the masked intent, so it holds no literal
 * value, bind value, credential or detector hit.
 *
 * @param requestId       the request id; a signed decision names it in {@code request_id}
 * @param createdAt       when the document was written
 * @param deadline        when the guard stops waiting, or {@code null}
 * @param agentId         the agent asking
 * @param onBehalfOf      the person the agent acts for, or {@code null}
 * @param channel         {@code JDBC}, {@code HTTP} or {@code SSH}
 * @param resource        the data source, host or URL authority
 * @param actionText      the redacted action
 * @param actionHash      the action hash; a signed decision names it in {@code grant_scope}
 * @param ruleId          the rule that requires approval
 * @param intent          the purpose the agent stated (masked), or {@code null}
 * @param approvalsNeeded how many different people must approve
 * @param approvedBy      who already approved
 * @param approverGroups  the groups one of which an approver must belong to; empty for anyone
 * @param grantWindow     {@code null} for a grant of this action only, else how long it is reused
 */
public record PendingApproval(String requestId, Instant createdAt, Instant deadline, String agentId, String onBehalfOf,
                              String channel, String resource, String actionText, String actionHash, String ruleId,
                              String intent, int approvalsNeeded, List<String> approvedBy, Set<String> approverGroups,
                              Duration grantWindow) {

    /** The document's {@code type}. */
    public static final String TYPE = "agentguard.approval-request";

    /** Request ids the guard hands out, and the only ones file names are made from. */
    static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}");

    /** The largest document read; a request is a few kilobytes at most (an action is cut at 16 K). */
    static final int MAX_LENGTH = 256 * 1024;

    public PendingApproval {
        Objects.requireNonNull(requestId, "requestId");
        if (!REQUEST_ID.matcher(requestId).matches()) {
            throw new IllegalArgumentException("requestId is not a request id (letters, digits, '-', '_', '.', ':')");
        }
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(actionText, "actionText");
        Objects.requireNonNull(actionHash, "actionHash");
        if (!actionHash.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("action hash is not 64 lower-case hex digits");
        }
        Objects.requireNonNull(ruleId, "ruleId");
        approvedBy = List.copyOf(approvedBy == null ? List.of() : approvedBy);
        approverGroups = Collections.unmodifiableSet(new LinkedHashSet<>(approverGroups == null ? Set.of()
                : approverGroups));
        if (approvalsNeeded < 1 || approvedBy.size() >= approvalsNeeded) {
            throw new IllegalArgumentException("approvals: " + approvedBy.size() + " given of " + approvalsNeeded
                    + " needed; a pending request needs at least one more");
        }
    }

    /** The document for {@code request}, written at {@code now}. */
    static PendingApproval of(ApprovalRequest request, Instant now) {
        return new PendingApproval(request.requestId(), now, request.deadline(), request.identity().agentId(),
                request.identity().onBehalfOf(), request.action().channel().name(), request.action().resource(),
                request.action().redactedText(), request.actionHash(), request.ruleId(), request.intent(),
                request.approvalsNeeded(), request.approvedBy(), request.approverGroups(), request.grantWindow());
    }

    /** Which approval this request asks for: 1 for the first, 2 for the second, … */
    public int round() {
        return approvedBy.size() + 1;
    }

    /** The document as one line of JSON. */
    public String toJson() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("type", TYPE);
        o.put("version", 1);
        o.put("requestId", requestId);
        o.put("createdAt", createdAt.toString());
        if (deadline != null) {
            o.put("deadline", deadline.toString());
        }
        Map<String, Object> agent = new LinkedHashMap<>();
        agent.put("id", agentId);
        if (onBehalfOf != null) {
            agent.put("onBehalfOf", onBehalfOf);
        }
        o.put("agent", agent);
        Map<String, Object> action = new LinkedHashMap<>();
        action.put("channel", channel);
        action.put("resource", resource);
        action.put("text", actionText);
        action.put("hash", actionHash);
        o.put("action", action);
        o.put("rule", ruleId);
        if (intent != null) {
            o.put("intent", intent);
        }
        Map<String, Object> approvals = new LinkedHashMap<>();
        approvals.put("needed", approvalsNeeded);
        approvals.put("approvedBy", approvedBy);
        approvals.put("approverGroups", List.copyOf(approverGroups));
        o.put("approvals", approvals);
        Map<String, Object> grant = new LinkedHashMap<>();
        if (grantWindow == null) {
            grant.put("type", "once");
        } else {
            grant.put("type", "window");
            grant.put("window", grantWindow.toString());
        }
        o.put("grant", grant);
        Map<String, Object> respond = new LinkedHashMap<>();
        respond.put("typ", DecisionClaims.TYPE);
        respond.put(DecisionClaims.REQUEST_ID, requestId);
        respond.put(DecisionClaims.GRANT_SCOPE, actionHash);
        o.put("respondWith", respond);
        return JSONObjectUtils.toJSONString(o);
    }

    /**
     * Reads a request document.
     *
     * @throws IllegalArgumentException saying which part is missing or malformed
     */
    public static PendingApproval parse(String json) {
        Objects.requireNonNull(json, "json");
        if (json.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("the request document is larger than " + MAX_LENGTH + " characters");
        }
        try {
            Map<String, Object> o = JSONObjectUtils.parse(json, MAX_LENGTH);
            if (!TYPE.equals(JSONObjectUtils.getString(o, "type"))) {
                throw new IllegalArgumentException("not an approval request (type is not " + TYPE + ")");
            }
            Map<String, Object> agent = object(o, "agent");
            Map<String, Object> action = object(o, "action");
            Map<String, Object> approvals = object(o, "approvals");
            Map<String, Object> grant = object(o, "grant");
            String grantType = text(grant, "type", "grant.type");
            Duration window = null;
            if ("window".equals(grantType)) {
                window = Duration.parse(text(grant, "window", "grant.window"));
            } else if (!"once".equals(grantType)) {
                throw new IllegalArgumentException("grant.type must be once or window");
            }
            String deadline = JSONObjectUtils.getString(o, "deadline");
            List<String> approvedBy = JSONObjectUtils.getStringList(approvals, "approvedBy");
            List<String> groups = JSONObjectUtils.getStringList(approvals, "approverGroups");
            return new PendingApproval(text(o, "requestId", "requestId"),
                    Instant.parse(text(o, "createdAt", "createdAt")),
                    deadline == null ? null : Instant.parse(deadline),
                    text(agent, "id", "agent.id"), JSONObjectUtils.getString(agent, "onBehalfOf"),
                    text(action, "channel", "action.channel"), text(action, "resource", "action.resource"),
                    text(action, "text", "action.text"), text(action, "hash", "action.hash"),
                    text(o, "rule", "rule"), JSONObjectUtils.getString(o, "intent"),
                    JSONObjectUtils.getInt(approvals, "needed"),
                    approvedBy == null ? List.of() : new ArrayList<>(approvedBy),
                    groups == null ? Set.of() : new LinkedHashSet<>(groups), window);
        } catch (ParseException e) {
            throw new IllegalArgumentException("the request document is not valid JSON of the expected shape", e);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("a time or duration in the request document is not ISO-8601", e);
        } catch (NullPointerException e) {
            throw new IllegalArgumentException("the request document lacks a required field", e);
        }
    }

    private static Map<String, Object> object(Map<String, Object> o, String name) throws ParseException {
        Map<String, Object> m = JSONObjectUtils.getJSONObject(o, name);
        if (m == null) {
            throw new IllegalArgumentException("the request document has no \"" + name + "\" object");
        }
        return m;
    }

    private static String text(Map<String, Object> o, String name, String path) throws ParseException {
        String s = JSONObjectUtils.getString(o, name);
        if (s == null) {
            throw new IllegalArgumentException("the request document has no \"" + path + "\"");
        }
        return s;
    }
}

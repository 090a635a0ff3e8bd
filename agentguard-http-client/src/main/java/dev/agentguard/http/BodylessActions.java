package dev.agentguard.http;

import dev.agentguard.core.action.HttpAction;
import dev.agentguard.core.cache.BoundedCache;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * The actions of the body-less requests a client has sent, by method, exact URI text and header
 * names: an agent calls the same few URLs again and again, and the action (the URI parsed, the host
 * canonicalised, the path routed) is a pure function of those, so it is worked out once.
 *
 * <p>A key holds no header value: a request with a method-override header, whose value is part of
 * the action, is worked out afresh every time and not kept. Nor is a URI with a query or a
 * fragment, where keys and tokens usually travel (user information is refused before this). The
 * URI's text is compared exactly ({@code %2f} and {@code %2F} are different keys), so a kept action
 * is the one this very text makes. At most {@value #CAPACITY} actions are kept; when full, an
 * eighth of them is dropped. Thread-safe.
 */
final class BodylessActions {

    /** The most actions kept per client. */
    static final int CAPACITY = 256;
    /** The longest URI kept, in characters. */
    static final int MAX_URI_LENGTH = 2048;

    private record Key(String method, String uri, List<String> headerNames) {
    }

    private final BoundedCache<Key, HttpAction> kept = new BoundedCache<>(CAPACITY);

    /** The action of a body-less {@code method} request to {@code uri} with {@code headers}: kept, or made now. */
    HttpAction of(String method, URI uri, Map<String, List<String>> headers) {
        String text = uri.toString();
        // A query may carry a key or token (?api_key=…): such a URI is not kept beyond its request.
        if (text.length() > MAX_URI_LENGTH || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            return HttpAction.of(method, uri, headers, 0, Map.of());
        }
        for (String name : headers.keySet()) {
            if (name == null || HttpAction.isMethodOverrideHeader(name)) {
                return HttpAction.of(method, uri, headers, 0, Map.of());
            }
        }
        Key key = new Key(method, text, List.copyOf(headers.keySet()));
        HttpAction action = kept.get(key);
        if (action != null) {
            return action;
        }
        return kept.putIfAbsent(key, HttpAction.of(method, uri, headers, 0, Map.of()));
    }

    /** How many actions are kept (for tests). */
    int size() {
        return kept.size();
    }
}

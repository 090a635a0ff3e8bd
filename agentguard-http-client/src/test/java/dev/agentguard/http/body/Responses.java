package dev.agentguard.http.body;

import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Response-info stubs: a status and headers, as the HTTP client hands them to a body handler. */
final class Responses {
    private Responses() {
    }

    /** A 200 response with headers given as name, value, name, value, ... */
    static HttpResponse.ResponseInfo ok(String... headers) {
        return status(200, headers);
    }

    static HttpResponse.ResponseInfo status(int status, String... headers) {
        HttpHeaders h = headers(headers);
        return new HttpResponse.ResponseInfo() {
            @Override
            public int statusCode() {
                return status;
            }

            @Override
            public HttpHeaders headers() {
                return h;
            }

            @Override
            public HttpClient.Version version() {
                return HttpClient.Version.HTTP_1_1;
            }
        };
    }

    static HttpHeaders headers(String... nameValues) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            map.computeIfAbsent(nameValues[i], k -> new ArrayList<>()).add(nameValues[i + 1]);
        }
        return HttpHeaders.of(map, (n, v) -> true);
    }
}

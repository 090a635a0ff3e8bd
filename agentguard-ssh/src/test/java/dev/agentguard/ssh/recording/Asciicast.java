package dev.agentguard.ssh.recording;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * An asciicast v2 file read back as a player reads it, strictly: a header object with version 2,
 * then one [time, code, text] array per line, times never going back.
 */
public record Asciicast(JsonNode header, List<Event> events) {

    /** One event line. */
    public record Event(double time, String code, String text) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public static Asciicast read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            throw new IOException("empty recording");
        }
        JsonNode header = JSON.readTree(lines.get(0));
        if (!header.isObject() || header.path("version").asInt() != 2 || !header.path("width").isInt()
                || !header.path("height").isInt()) {
            throw new IOException("not an asciicast v2 header: " + lines.get(0));
        }
        List<Event> events = new ArrayList<>();
        double last = 0;
        for (int i = 1; i < lines.size(); i++) {
            JsonNode e = JSON.readTree(lines.get(i));
            if (!e.isArray() || e.size() != 3 || !e.get(0).isNumber() || !e.get(1).isTextual() || !e.get(2).isTextual()) {
                throw new IOException("line " + (i + 1) + " is not an asciicast v2 event: " + lines.get(i));
            }
            double t = e.get(0).asDouble();
            if (t < last) {
                throw new IOException("line " + (i + 1) + " goes back in time");
            }
            last = t;
            events.add(new Event(t, e.get(1).asText(), e.get(2).asText()));
        }
        return new Asciicast(header, events);
    }

    /** All output, in order, as a terminal would receive it. */
    public String output() {
        StringBuilder b = new StringBuilder();
        for (Event e : events) {
            if (e.code().equals("o")) {
                b.append(e.text());
            }
        }
        return b.toString();
    }

    /** All input, in order. */
    public String input() {
        StringBuilder b = new StringBuilder();
        for (Event e : events) {
            if (e.code().equals("i")) {
                b.append(e.text());
            }
        }
        return b.toString();
    }

    public static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

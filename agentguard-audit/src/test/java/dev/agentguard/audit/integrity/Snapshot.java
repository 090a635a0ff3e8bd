package dev.agentguard.audit.integrity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Name, size, modification time and SHA-256 of every file in a directory, to prove reads change nothing. */
record Snapshot(Map<String, String> files) {
    static Snapshot of(Path dir) throws IOException, NoSuchAlgorithmException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                byte[] bytes = Files.readAllBytes(p);
                out.put(p.getFileName().toString(), bytes.length + " " + Files.getLastModifiedTime(p).toMillis() + " "
                        + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
            }
        }
        return new Snapshot(out);
    }
}

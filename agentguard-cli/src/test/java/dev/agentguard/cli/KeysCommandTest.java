package dev.agentguard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentguard.audit.integrity.CheckpointSigner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class KeysCommandTest {
    @TempDir
    Path tmp;

    @Test
    void writesASigningKeyAndItsPublicKey() throws Exception {
        Path keys = tmp.resolve("keys");

        ToolRun run = ToolRun.run("keys", "generate", "--out", keys.toString());

        assertEquals(0, run.exitCode(), run.err());
        Path signing = keys.resolve("checkpoint-signing.pem");
        Path pub = keys.resolve("checkpoint.pub");
        CheckpointSigner signer = CheckpointSigner.fromPemFile(signing);
        assertEquals(signer.publicKey(), CheckpointSigner.readPublicKey(pub));
        assertTrue(Files.readString(signing).startsWith("-----BEGIN PRIVATE KEY-----\n"));
        assertEquals(CheckpointSigner.publicKeyPem(signer.publicKey()), Files.readString(pub));
        assertEquals(List.of(
                "Signing key  " + signing + (posix(keys) ? " (owner read/write only)" : ""),
                "Public key   " + pub,
                "Key id       " + signer.keyId()), run.outLines());
    }

    @Test
    void neverPrintsThePrivateKey() throws Exception {
        Path keys = tmp.resolve("keys");

        ToolRun text = ToolRun.run("keys", "generate", "--out", keys.toString());
        ToolRun json = ToolRun.run("keys", "generate", "--out", tmp.resolve("keys2").toString(), "--json");

        for (ToolRun run : List.of(text, json)) {
            assertFalse(run.out().contains("PRIVATE KEY"), run.out());
            assertFalse(run.out().contains("BEGIN"), run.out());
        }
    }

    @Test
    void theSigningKeyIsReadableByItsOwnerOnly() throws Exception {
        Path keys = tmp.resolve("keys");
        Files.createDirectories(keys);
        assumeTrue(posix(keys), "the file system has POSIX permissions");

        ToolRun.run("keys", "generate", "--out", keys.toString());

        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(keys.resolve("checkpoint-signing.pem"))));
    }

    @Test
    void jsonPrintsThePathsAndTheKeyId() throws Exception {
        Path keys = tmp.resolve("keys");

        ToolRun run = ToolRun.run("keys", "generate", "--out", keys.toString(), "--json");

        assertEquals(0, run.exitCode(), run.err());
        JsonNode o = new ObjectMapper().readTree(run.out());
        assertEquals(keys.resolve("checkpoint-signing.pem").toString(), o.get("signingKeyFile").asText());
        assertEquals(keys.resolve("checkpoint.pub").toString(), o.get("publicKeyFile").asText());
        assertEquals(CheckpointSigner.fromPemFile(keys.resolve("checkpoint-signing.pem")).keyId(), o.get("keyId").asText());
        assertEquals(posix(keys), o.get("signingKeyOwnerOnly").asBoolean());
    }

    @Test
    void refusesToOverwriteAnExistingKey() throws Exception {
        Path keys = tmp.resolve("keys");
        ToolRun.run("keys", "generate", "--out", keys.toString());
        String before = Files.readString(keys.resolve("checkpoint-signing.pem"));

        ToolRun run = ToolRun.run("keys", "generate", "--out", keys.toString());

        run.assertOneLineError(2);
        assertEquals("agentguard keys generate: " + keys.resolve("checkpoint-signing.pem") + " already exists; keys are "
                + "never overwritten: choose another --out directory or move the old key away first", run.errorLine());
        assertEquals(before, Files.readString(keys.resolve("checkpoint-signing.pem")));
    }

    @Test
    void refusesWhenOnlyThePublicKeyExists() throws Exception {
        Path keys = Files.createDirectories(tmp.resolve("keys"));
        Files.writeString(keys.resolve("checkpoint.pub"), "old");

        ToolRun run = ToolRun.run("keys", "generate", "--out", keys.toString());

        run.assertOneLineError(2);
        assertFalse(Files.exists(keys.resolve("checkpoint-signing.pem")), "no half-made pair");
    }

    @Test
    void requiresOut() {
        ToolRun run = ToolRun.run("keys", "generate");

        run.assertOneLineError(2);
        assertEquals("agentguard keys generate: Missing required option: '--out=DIR' "
                + "(see 'agentguard keys generate --help')", run.errorLine());
    }

    private static boolean posix(Path dir) throws Exception {
        Path existing = Files.exists(dir) ? dir : dir.getParent();
        return Files.getFileStore(existing).supportsFileAttributeView(PosixFileAttributeView.class);
    }
}

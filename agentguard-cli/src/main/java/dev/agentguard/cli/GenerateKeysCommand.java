package dev.agentguard.cli;

import dev.agentguard.audit.integrity.CheckpointSigner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code agentguard keys generate}: a new checkpoint signing key pair. */
@Command(name = "generate",
        mixinStandardHelpOptions = true,
        description = {
                "Generates an Ed25519 key pair for signing journal checkpoints.",
                "Writes two new files to DIR:",
                "  " + GenerateKeysCommand.SIGNING_KEY_FILE + "  signing key (owner-only file) for the agent's JVM",
                "  " + GenerateKeysCommand.PUBLIC_KEY_FILE + "          public key, for 'agentguard verify "
                        + "--public-key'",
                "Existing files are never overwritten; the private key is never printed."},
        footerHeading = "%nExamples:%n",
        footer = {
                "  agentguard keys generate --out /etc/agentguard/keys",
                "  agentguard keys generate --out ./keys --json"})
final class GenerateKeysCommand extends ToolCommand {
    static final String SIGNING_KEY_FILE = "checkpoint-signing.pem";
    static final String PUBLIC_KEY_FILE = "checkpoint.pub";

    @Option(names = "--out", paramLabel = "DIR", required = true,
            description = "The directory to write the key files to (created if missing).")
    Path outDir;

    @Override
    int run() throws Exception {
        Path dir = outDir.toAbsolutePath().normalize();
        Path signing = dir.resolve(SIGNING_KEY_FILE);
        Path publicKey = dir.resolve(PUBLIC_KEY_FILE);
        // Check both before writing either, so a refusal leaves no half-made pair behind.
        for (Path file : new Path[] {signing, publicKey}) {
            if (Files.exists(file)) {
                throw new InputException(file + " already exists; keys are never overwritten: choose another --out "
                        + "directory or move the old key away first");
            }
        }
        Files.createDirectories(dir);
        KeyPair pair = CheckpointSigner.generateKeyPair();
        boolean ownerOnly = writeNew(signing, CheckpointSigner.privateKeyPemWithPublicKey(pair), true);
        try {
            writeNew(publicKey, CheckpointSigner.publicKeyPem(pair.getPublic()), false);
        } catch (IOException e) {
            Files.deleteIfExists(signing);
            throw e;
        }
        String keyId = CheckpointSigner.keyIdOf(pair.getPublic());
        if (json()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("signingKeyFile", signing.toString());
            o.put("publicKeyFile", publicKey.toString());
            o.put("keyId", keyId);
            o.put("signingKeyOwnerOnly", ownerOnly);
            out().println(Json.object(o));
        } else {
            out().println("Signing key  " + signing + (ownerOnly ? " (owner read/write only)" : ""));
            out().println("Public key   " + publicKey);
            out().println("Key id       " + keyId);
        }
        if (!ownerOnly) {
            err().println(spec.qualifiedName() + ": warning: this file system has no POSIX permissions; "
                    + "restrict access to " + signing + " yourself");
        }
        return ExitCodes.OK;
    }

    /**
     * Creates {@code file} (never replacing one) and writes {@code text}. A private file gets
     * owner-only permissions at creation, so it is never readable by others, not even briefly.
     *
     * @return true when the file was created owner-only
     */
    private static boolean writeNew(Path file, String text, boolean privateFile) throws IOException {
        boolean posix = Files.getFileStore(file.getParent()).supportsFileAttributeView(PosixFileAttributeView.class);
        FileAttribute<?>[] attributes = privateFile && posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        try (SeekableByteChannel channel = Files.newByteChannel(file,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attributes)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        }
        return privateFile && posix;
    }

    @Override
    Path resource() {
        return outDir;
    }
}

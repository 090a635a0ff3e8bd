package dev.agentguard.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Kafka client settings from a properties file ({@code --kafka-config}), so that passwords and
 * key store secrets stay out of the command line and the access journal, which records it.
 */
final class KafkaConfigFile {
    private KafkaConfigFile() {
    }

    /** The settings in {@code file}; its values are never echoed in messages. */
    static Map<String, String> read(Path file) throws InputException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new InputException(file.toAbsolutePath().normalize() + ": no such Kafka configuration file");
        } catch (IOException | IllegalArgumentException e) {
            throw new InputException(file.toAbsolutePath().normalize() + ": not a readable properties file ("
                    + e.getClass().getSimpleName() + ")");
        }
        Map<String, String> settings = new TreeMap<>();
        for (String name : p.stringPropertyNames()) {
            settings.put(name, p.getProperty(name));
        }
        return settings;
    }
}

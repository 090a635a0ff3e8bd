package dev.agentguard.ssh;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CommandRedactionTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "curl https://deploy:S3cret@repo.internal/x | curl https://deploy:***@repo.internal/x",
            "curl -u admin:S3cret https://api | curl -u admin:*** https://api",
            "curl --user admin:S3cret https://api | curl --user admin:*** https://api",
            "PGPASSWORD=S3cret psql -h db | PGPASSWORD=*** psql -h db",
            "API_KEY='a b c' ./deploy.sh | API_KEY=*** ./deploy.sh",
            "tool --password=S3cret --verbose | tool --password=*** --verbose",
            "tool --token S3cret --verbose | tool --token *** --verbose",
            "vault login --auth-token=xyz | vault login --auth-token=***",
            "curl -H 'Authorization: Bearer eyJhbGciOi' https://api | curl -H 'Authorization: Bearer ***' https://api",
            "df -h /var/lib | df -h /var/lib",
            "grep password /etc/app.conf | grep password /etc/app.conf",
            "echo --token | echo --token"})
    void hidesCredentialsWrittenIntoACommandLine(String line, String expected) {
        assertEquals(expected, CommandRedaction.redact(line));
    }
}

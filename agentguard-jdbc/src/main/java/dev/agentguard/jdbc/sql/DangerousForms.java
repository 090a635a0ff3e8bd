package dev.agentguard.jdbc.sql;

import java.util.List;
import java.util.Set;

/**
 * The functions and statement forms that reach outside the data an agent is meant to touch: the
 * file system, the operating system, other servers, other sessions, the server configuration,
 * or that stall the server. A statement using one is reported with it in
 * {@code SqlStatement.dangerousForms()}, and policies refuse it unless a rule names it.
 *
 * <p>Matching is case-insensitive and ignores quotes, because H2 stores built-in names in upper
 * case and a quoted {@code "FILE_READ"} calls the same function.
 */
final class DangerousForms {

    private static final Set<String> FUNCTIONS = Set.of(
            // PostgreSQL: server files, large objects, sessions, configuration, delays
            "pg_read_file", "pg_read_binary_file", "pg_stat_file", "pg_sleep", "pg_sleep_for", "pg_sleep_until",
            "lo_import", "lo_export", "pg_terminate_backend", "pg_cancel_backend", "set_config",
            "pg_reload_conf", "pg_rotate_logfile", "pg_promote", "pg_switch_wal", "pg_create_restore_point",
            "pg_drop_replication_slot", "pg_logical_emit_message", "pg_logdir_ls", "pg_stat_statements_reset",
            // PostgreSQL: functions that run a query given as text, hiding its tables from analysis
            "query_to_xml", "query_to_xmlschema", "query_to_xml_and_xmlschema", "cursor_to_xml",
            "cursor_to_xmlschema", "table_to_xml", "table_to_xmlschema", "table_to_xml_and_xmlschema",
            "schema_to_xml", "schema_to_xmlschema", "schema_to_xml_and_xmlschema", "database_to_xml",
            "database_to_xmlschema", "database_to_xml_and_xmlschema", "ts_stat", "ts_rewrite", "connectby",
            // PostgreSQL: large objects, data outside every table, read and written through SELECT
            "loread", "lowrite",
            // MySQL / MariaDB
            "load_file", "sleep", "benchmark", "sys_exec", "sys_eval",
            // SQL Server
            "sp_oacreate", "sp_oamethod", "sp_configure", "sp_execute_external_script", "sp_executesql",
            "sp_addextendedproc", "sp_makewebtask", "openrowset", "opendatasource", "openquery",
            // H2
            "file_read", "file_write", "csvread", "csvwrite", "link_schema", "cancel_session", "abort_session",
            // SQLite
            "load_extension", "readfile", "writefile", "fts3_tokenizer");

    /** Families recognised by prefix: dblink_exec, pg_ls_waldir, xp_dirtree, pg_file_write, lo_unlink, crosstab3… */
    private static final List<String> FUNCTION_PREFIXES = List.of("dblink", "pg_ls_", "pg_read_", "pg_file_", "xp_",
            "lo_", "crosstab");

    /** Oracle packages whose every member reaches files, the network or the scheduler. */
    private static final Set<String> PACKAGES = Set.of(
            "utl_file", "utl_http", "utl_tcp", "utl_smtp", "utl_inaddr", "utl_mail", "dbms_java", "dbms_scheduler",
            "dbms_sql", "dbms_xmlgen", "dbms_lock", "dbms_pipe", "dbms_ldap", "dbms_job", "httpuritype");

    /** Procedural languages that run native code or reach the operating system. */
    private static final Set<String> UNTRUSTED_LANGUAGES = Set.of(
            "c", "internal", "plpythonu", "plpython2u", "plpython3u", "plperlu", "pltclu", "plsh", "java");

    /**
     * SET parameters that change what names mean (search path), who the session is (role),
     * or switch protections off (triggers, row security, read-only transactions).
     */
    private static final Set<String> SETTINGS = Set.of(
            "search_path", "schema", "schema_search_path", "current_schema", "role", "session authorization",
            "session_replication_role", "row_security", "default_transaction_read_only", "transaction_read_only",
            "allow_system_table_mods", "lo_compat_privileges", "java_object_serializer", "builtin_alias_override",
            "referential_integrity", "sql_log_bin", "global",
            // H2's compatibility mode changes how identifiers and literals are read
            "mode",
            // backslash escapes in plain strings would change where literals end for the analysis
            "standard_conforming_strings", "backslash_quote");

    private DangerousForms() {
    }

    /**
     * The dangerous form a function call is, or null.
     *
     * @param name the function name, lower case, parts joined by dots ({@code pg_catalog.pg_read_file})
     */
    static String function(String name) {
        String lower = SqlLexer.asciiLowerCase(name);
        int dot = lower.lastIndexOf('.');
        String simple = dot < 0 ? lower : lower.substring(dot + 1);
        if (FUNCTIONS.contains(simple)) {
            return simple;
        }
        for (String prefix : FUNCTION_PREFIXES) {
            if (simple.startsWith(prefix)) {
                return simple;
            }
        }
        if (dot > 0) {
            for (String part : lower.substring(0, dot).split("\\.")) {
                if (PACKAGES.contains(part)) {
                    return part;
                }
            }
        }
        if (PACKAGES.contains(simple)) {
            return simple;
        }
        return null;
    }

    static boolean isUntrustedLanguage(String language) {
        return UNTRUSTED_LANGUAGES.contains(SqlLexer.asciiLowerCase(language));
    }

    /** Whether changing this setting is dangerous; {@code setting} is lower case, words joined by one space. */
    static boolean isDangerousSetting(String setting) {
        return SETTINGS.contains(setting);
    }
}

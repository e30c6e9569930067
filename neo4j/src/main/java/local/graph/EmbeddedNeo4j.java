package local.graph;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.SettingImpl;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.config.Setting;

/**
 * Runs a Neo4j Community DBMS in-process and exposes it over Bolt on 127.0.0.1 only.
 *
 * <p>Options come from {@code --key=value} arguments or, failing that, system properties
 * {@code -Dneo4j.key=value}:
 * <ul>
 *   <li>{@code port} Bolt port (default 7687); {@code home} Neo4j home/data dir (default ./.data/neo4j)</li>
 *   <li>{@code pageCache} (default 256m); {@code txMemoryMax} per transaction (default 256m);
 *       {@code txMemoryTotal} all transactions (default: Neo4j's, 70% of heap)</li>
 *   <li>{@code txTimeout} (default 60s); {@code plugins} plugin dir (enables {@code apoc.*} procedures)</li>
 *   <li>{@code watchStdin=true}: shut down when stdin closes, so a crashed parent never leaves
 *       an orphan JVM holding the store lock.</li>
 * </ul>
 * Auth is off unless the environment variable {@code NEO4J_EMBEDDED_PASSWORD} is set (an env var,
 * not a property, so the password never shows up in {@code ps}); then auth is on and user
 * {@code neo4j} gets that password (at least 8 characters).
 *
 * <p>Protocol on stdout: exactly one {@code NEO4J_READY bolt://127.0.0.1:<port>} line once the
 * default database is available, {@code NEO4J_STOPPED} after a clean shutdown. A start failure
 * prints {@code NEO4J_FAILED <message>} on stderr and exits with status 1.
 */
public final class EmbeddedNeo4j {
    private static final String PASSWORD_ENV = "NEO4J_EMBEDDED_PASSWORD";

    private EmbeddedNeo4j() {}

    public static void main(String[] args) {
        Map<String, String> options = parseArgs(args);
        int port = Integer.parseInt(option(options, "port", "7687"));
        Path home = Path.of(option(options, "home", ".data/neo4j")).toAbsolutePath();
        String password = System.getenv(PASSWORD_ENV);
        boolean auth = password != null && !password.isEmpty();

        DatabaseManagementService dbms;
        try {
            Files.createDirectories(home);
            DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home);
            // Embedded mode opens no Bolt server unless told to; plain text on loopback only.
            SocketAddress address = new SocketAddress("127.0.0.1", port);
            builder.setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, address)
                    .setConfig(BoltConnector.advertised_address, address)
                    .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                    // Netty waits a 5s quiet period per event loop group (10s in all) when Bolt
                    // stops, after the databases are checkpointed; nothing is gained by waiting.
                    .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                    .setConfig(GraphDatabaseSettings.auth_enabled, auth)
                    // Unset, the page cache would claim ~50% of RAM.
                    .setConfig(GraphDatabaseSettings.pagecache_memory,
                            parse(GraphDatabaseSettings.pagecache_memory, option(options, "pageCache", "256m")))
                    // Bound runaway queries in memory and time (the server default is no timeout).
                    .setConfig(GraphDatabaseSettings.memory_transaction_max_size,
                            parse(GraphDatabaseSettings.memory_transaction_max_size, option(options, "txMemoryMax", "256m")))
                    .setConfig(GraphDatabaseSettings.transaction_timeout,
                            parse(GraphDatabaseSettings.transaction_timeout, option(options, "txTimeout", "60s")))
                    // Dev/test stores: no 256 MiB preallocated tx logs, keep few of them.
                    .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                    .setConfig(GraphDatabaseSettings.keep_logical_logs, "1 files")
                    // Machines are offline; never phone home.
                    .setConfig(GraphDatabaseSettings.udc_enabled, false)
                    // A bad predicate must not turn shortestPath into an exhaustive search.
                    .setConfig(GraphDatabaseSettings.forbid_exhaustive_shortestpath, true)
                    // NOOP keep-alives on every connection with a request running, and the hint
                    // `connection.recv_timeout_seconds` (keep-alive x probes) to drivers: a driver waiting on
                    // a Neo4j that has stopped answering (frozen, partitioned) drops the connection after it.
                    .setConfig(BoltConnector.connection_keep_alive_type, BoltConnector.KeepAliveRequestType.ALL)
                    .setConfig(BoltConnector.connection_keep_alive,
                            parse(BoltConnector.connection_keep_alive, option(options, "keepAlive", "5s")))
                    .setConfig(BoltConnector.connection_keep_alive_probes, 2);
            String txMemoryTotal = option(options, "txMemoryTotal", null);
            if (txMemoryTotal != null) {
                builder.setConfig(GraphDatabaseSettings.memory_transaction_global_max_size,
                        parse(GraphDatabaseSettings.memory_transaction_global_max_size, txMemoryTotal));
            }
            String plugins = option(options, "plugins", null);
            if (plugins != null) {
                builder.setConfig(GraphDatabaseSettings.plugin_dir, Path.of(plugins).toAbsolutePath())
                        // APOC procedures touch internals and are refused unless allowed.
                        .setConfig(GraphDatabaseSettings.procedure_unrestricted, List.of("apoc.*"));
            }

            // build() blocks until the DBMS and the default database have started.
            dbms = builder.build();
        } catch (Throwable e) {
            fail(e, null);
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM/SIGINT run shutdown hooks: shutdown() checkpoints, so the next start needs no recovery.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            System.out.println("NEO4J_STOPPED");
            System.out.flush();
            stopped.countDown();
        }, "neo4j-embedded-shutdown"));

        try {
            if (auth) {
                setPassword(dbms, password);
            }
            GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            if (!db.isAvailable(60_000)) {
                throw new IllegalStateException("default database did not become available within 60s");
            }
        } catch (Throwable e) {
            fail(e, dbms);
            return;
        }
        System.out.println("NEO4J_READY bolt://127.0.0.1:" + port);
        System.out.flush();

        if (Boolean.parseBoolean(option(options, "watchStdin", "false"))) {
            Thread watcher = new Thread(() -> {
                drain(System.in);
                System.exit(0); // runs the shutdown hook above
            }, "neo4j-embedded-stdin-watch");
            watcher.setDaemon(true);
            watcher.start();
        }
        // Neo4j's own threads may all be daemons: keep main alive until the hook has finished.
        try {
            stopped.await();
        } catch (InterruptedException ignored) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sets the password through the system database; idempotent across restarts. */
    private static void setPassword(DatabaseManagementService dbms, String password) {
        GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
        } catch (RuntimeException e) {
            // Neo4j refuses to "change" a password to its current value: this happens on every
            // restart with the same password, and means the password is already right.
            if (!String.valueOf(rootCause(e).getMessage()).contains("cannot be the same")) {
                throw e;
            }
            system.executeTransactionally("ALTER USER neo4j SET PASSWORD CHANGE NOT REQUIRED");
        }
    }

    /** Parses a value the way neo4j.conf would, so "256m" or "60s" mean what they mean there. */
    @SuppressWarnings("unchecked")
    private static <T> T parse(Setting<T> setting, String value) {
        return ((SettingImpl<T>) setting).parse(value);
    }

    private static Map<String, String> parseArgs(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (!arg.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("expected --key=value, got: " + arg);
            }
            options.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return options;
    }

    private static String option(Map<String, String> args, String key, String fallback) {
        String value = args.get(key);
        return value != null ? value : System.getProperty("neo4j." + key, fallback);
    }

    private static void drain(InputStream in) {
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) >= 0) {
                // discard: only end-of-stream matters
            }
        } catch (IOException ignored) {
            // a broken pipe also means the parent is gone
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static void fail(Throwable e, DatabaseManagementService dbms) {
        Throwable root = rootCause(e);
        String message = root == e ? String.valueOf(e.getMessage())
                : e.getMessage() + " (cause: " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        System.err.println("NEO4J_FAILED " + message.replaceAll("\\s+", " "));
        System.err.flush();
        if (dbms != null) {
            dbms.shutdown(); // release the store lock before exiting
        }
        // halt(), not exit(): the shutdown hook would shut down (and report) a second time.
        Runtime.getRuntime().halt(1);
    }
}

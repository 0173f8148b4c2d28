package io.embedstream.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.raft.QuorumConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import kafka.server.BrokerServer;
import kafka.server.ControllerServer;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.server.Server;
import kafka.server.SharedServer;
import scala.Tuple2;

/**
 * A real single-node Apache Kafka 4.2 cluster running in this JVM: one KRaft node in combined mode
 * (broker + controller), PLAINTEXT on localhost.
 *
 * <p>Startup does what {@code kafka-storage.sh format} followed by {@code kafka-server-start.sh} would do: it
 * formats the log directory with {@link Formatter} (unless it is already formatted) and then assembles the same
 * parts {@link KafkaRaftServer} does ({@link SharedServer}, {@link ControllerServer}, {@link BrokerServer}).
 * It assembles them itself for two reasons: listening sockets are bound up front so port 0 works without a race,
 * and fatal faults are logged instead of halting the JVM.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().build().start()) {
 *     kafka.createTopics("images", "images.dlq");
 *     String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 *
 * <p>The default single-node settings make internal topics (consumer offsets, transaction state, share state)
 * replication factor 1 with one partition, so consumer groups and transactions work and start quickly.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    /** Node id of the single KRaft node. */
    public static final int NODE_ID = 1;
    static final String BROKER_LISTENER = "CLIENT";
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    /** The SASL mechanism of a broker built with {@link Builder#scramUser(String, String)}. */
    public static final String SCRAM_MECHANISM = "SCRAM-SHA-256";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private final Builder settings;
    private final Path logDir;
    private final boolean deleteLogDirOnClose;
    private final PreboundSocketFactory sockets = new PreboundSocketFactory();

    private SharedServer sharedServer;
    private ControllerServer controller;
    private BrokerServer broker;
    private int brokerPort;
    private int controllerPort;
    private boolean closed;

    private EmbeddedKafkaBroker(Builder settings) {
        this.settings = settings;
        try {
            if (settings.logDir == null) {
                this.logDir = Files.createTempDirectory("embedstream-kafka-");
                this.deleteLogDirOnClose = true;
            } else {
                this.logDir = Files.createDirectories(settings.logDir.toAbsolutePath());
                this.deleteLogDirOnClose = settings.deleteLogDirOnClose;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Kafka log directory", e);
        }
    }

    /** A builder with all defaults: free port, temporary log directory, 1 partition per topic. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats storage if needed and starts controller and broker; returns once the broker is registered, unfenced
     * and accepting clients.
     *
     * @return this broker, for chaining
     * @throws IllegalStateException if the broker was already started or closed, or Kafka failed to start (the
     *                               broker is then closed)
     */
    public synchronized EmbeddedKafkaBroker start() {
        if (sharedServer != null || closed) {
            throw new IllegalStateException("broker already started or closed");
        }
        long startNanos = System.nanoTime();
        try {
            brokerPort = sockets.bind(BROKER_LISTENER, settings.host, settings.port);
            controllerPort = sockets.bind(CONTROLLER_LISTENER, settings.host, settings.controllerPort);
            KafkaConfig config = new KafkaConfig(brokerProperties(), false);
            format(config);

            Tuple2<MetaPropertiesEnsemble, BootstrapMetadata> dirs =
                    KafkaRaftServer.initializeLogDirs(config, LOG, "[EmbeddedKafkaBroker] ");
            Metrics metrics = Server.initializeMetrics(config, Time.SYSTEM, dirs._1().clusterId().get());
            sharedServer = new SharedServer(
                    config, dirs._1(), Time.SYSTEM, metrics,
                    CompletableFuture.completedFuture(QuorumConfig.parseVoterConnections(config.quorumConfig().voters())),
                    QuorumConfig.parseBootstrapServers(config.quorumConfig().bootstrapServers()),
                    new LoggingFaultHandlerFactory(),
                    sockets);
            controller = new ControllerServer(sharedServer, KafkaRaftServer.configSchema(), dirs._2());
            broker = new BrokerServer(sharedServer);
            // Same order as KafkaRaftServer: the controller must be up for the broker to register.
            controller.startup();
            broker.startup();
        } catch (Exception e) {
            // A half-started broker is unusable: release ports and the temporary directory now.
            close();
            throw new IllegalStateException("embedded Kafka broker failed to start: " + e.getMessage(), e);
        }
        LOG.info("Embedded Kafka broker started at {} in {} ms (log dir {})", bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), logDir);
        return this;
    }

    /** {@code host:port} of the client listener, for clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        requireStarted();
        return settings.host + ":" + brokerPort;
    }

    /** Port of the client listener. */
    public int port() {
        requireStarted();
        return brokerPort;
    }

    /** Directory holding both the data logs and the KRaft metadata log. */
    public Path logDir() {
        return logDir;
    }

    /**
     * Creates topics with the builder's default partition count and replication factor 1; topics that already
     * exist are left as they are.
     */
    public void createTopics(String... topicNames) {
        List<NewTopic> topics = new ArrayList<>();
        for (String name : topicNames) {
            topics.add(new NewTopic(name, settings.partitions, (short) 1));
        }
        createTopics(topics);
    }

    /**
     * Creates the given topics (with their own partitions and configs) and waits until they exist; topics that
     * already exist are left as they are.
     */
    public void createTopics(Collection<NewTopic> topics) {
        requireStarted();
        try (Admin admin = admin()) {
            for (var entry : admin.createTopics(topics).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + entry.getKey() + ": "
                                + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out creating topics " + topics, e);
        }
    }

    /** A new admin client for this broker (as the first SCRAM user, if any); the caller closes it. */
    public Admin admin() {
        Properties props = new Properties();
        props.putAll(adminClientProperties());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(props);
    }

    /**
     * Security settings a client needs to talk to this broker as its first SCRAM user (the broker's own identity),
     * without {@code bootstrap.servers}; empty for a PLAINTEXT broker.
     */
    public Map<String, String> adminClientProperties() {
        if (settings.scramUsers.isEmpty()) {
            return clientProperties(null, null);
        }
        Map.Entry<String, String> admin = settings.scramUsers.entrySet().iterator().next();
        return clientProperties(admin.getKey(), admin.getValue());
    }

    /** Whether clients must authenticate with SASL/SCRAM (see {@link Builder#scramUser(String, String)}). */
    public boolean requiresSasl() {
        return !settings.scramUsers.isEmpty();
    }

    /**
     * Everything a client needs besides {@code bootstrap.servers} to talk to this broker: the security protocol,
     * SASL/SCRAM settings as {@code user} (ignored, and may be null, on a broker without SCRAM users) and the trust
     * store of a TLS listener.
     */
    public Map<String, String> clientProperties(String user, String password) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("security.protocol", clientProtocol());
        if (!settings.scramUsers.isEmpty()) {
            props.put("sasl.mechanism", SCRAM_MECHANISM);
            props.put("sasl.jaas.config", scramJaas(Objects.requireNonNull(user, "user"),
                    Objects.requireNonNull(password, "password")));
        }
        if (settings.tlsKeyStore != null) {
            props.putAll(trustStoreProperties());
        }
        return props;
    }

    private String clientProtocol() {
        boolean sasl = !settings.scramUsers.isEmpty();
        boolean tls = settings.tlsKeyStore != null;
        return sasl ? (tls ? "SASL_SSL" : "SASL_PLAINTEXT") : (tls ? "SSL" : "PLAINTEXT");
    }

    private Map<String, String> trustStoreProperties() {
        return Map.of(
                "ssl.truststore.location", settings.tlsTrustStore.toAbsolutePath().toString(),
                "ssl.truststore.password", settings.tlsPassword,
                "ssl.truststore.type", "PKCS12");
    }

    /**
     * The client settings for SASL/SCRAM over plaintext as {@code user}: {@code security.protocol},
     * {@code sasl.mechanism} and {@code sasl.jaas.config}.
     */
    public static Map<String, String> scramClientProperties(String user, String password) {
        return Map.of(
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", SCRAM_MECHANISM,
                "sasl.jaas.config", scramJaas(user, password));
    }

    private static String scramJaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    /** Blocks until the broker is shut down (by {@link #close()} from another thread, or a fatal fault). */
    public void awaitShutdown() {
        requireStarted();
        broker.awaitShutdown();
    }

    /**
     * Stops broker and controller, then deletes the log directory if it was a temporary one (or the builder
     * asked for deletion). Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        shutdownQuietly();
        if (deleteLogDirOnClose) {
            deleteRecursively(logDir);
        }
    }

    private void shutdownQuietly() {
        // Broker before controller, as KafkaRaftServer does, so the broker can deregister cleanly.
        if (broker != null) {
            runQuietly("broker shutdown", () -> broker.shutdown(Duration.ofSeconds(5)));
        }
        if (controller != null) {
            runQuietly("controller shutdown", controller::shutdown);
        }
        sockets.closeUnused();
    }

    private Properties brokerProperties() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        props.put("listeners", BROKER_LISTENER + "://" + settings.host + ":" + brokerPort + ","
                + CONTROLLER_LISTENER + "://" + settings.host + ":" + controllerPort);
        props.put("advertised.listeners", BROKER_LISTENER + "://" + settings.host + ":" + brokerPort);
        props.put("listener.security.protocol.map", BROKER_LISTENER + ":" + clientProtocol() + ","
                + CONTROLLER_LISTENER + ":PLAINTEXT");
        if (settings.tlsKeyStore != null) {
            // The broker is also a TLS client of its own listener (inter-broker traffic), hence the trust store.
            String prefix = "listener.name." + BROKER_LISTENER.toLowerCase(java.util.Locale.ROOT) + ".";
            props.put(prefix + "ssl.keystore.location", settings.tlsKeyStore.toAbsolutePath().toString());
            props.put(prefix + "ssl.keystore.password", settings.tlsPassword);
            props.put(prefix + "ssl.key.password", settings.tlsPassword);
            props.put(prefix + "ssl.keystore.type", "PKCS12");
            trustStoreProperties().forEach((k, v) -> props.put(prefix + k, v));
        }
        if (!settings.scramUsers.isEmpty()) {
            // The broker talks to itself over the client listener, so it authenticates as the first SCRAM user,
            // whose credentials the format step writes into the metadata log before the broker starts.
            Map.Entry<String, String> admin = settings.scramUsers.entrySet().iterator().next();
            props.put("sasl.enabled.mechanisms", SCRAM_MECHANISM);
            props.put("sasl.mechanism.inter.broker.protocol", SCRAM_MECHANISM);
            props.put("listener.name." + BROKER_LISTENER.toLowerCase(java.util.Locale.ROOT) + "."
                    + SCRAM_MECHANISM.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config",
                    scramJaas(admin.getKey(), admin.getValue()));
        }
        props.put("inter.broker.listener.name", BROKER_LISTENER);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        // Static single-voter quorum: no dynamic-quorum bootstrapping needed for one node.
        props.put("controller.quorum.voters", NODE_ID + "@" + settings.host + ":" + controllerPort);
        props.put("log.dirs", logDir.resolve("data").toString());
        props.put("metadata.log.dir", logDir.resolve("metadata").toString());
        props.put("num.partitions", Integer.toString(settings.partitions));
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        // Internal topics: one replica (there is one node) and one partition (fast group and transaction startup).
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("share.coordinator.state.topic.num.partitions", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", Boolean.toString(settings.autoCreateTopics));
        props.putAll(settings.brokerOverrides);
        Properties properties = new Properties();
        properties.putAll(props);
        return properties;
    }

    private void format(KafkaConfig config) throws Exception {
        List<String> dirs = List.of(logDir.resolve("data").toString(), config.metadataLogDir());
        // A persistent log dir survives restarts: keep its cluster id, or Kafka refuses the formatted directories.
        String clusterId = existingClusterId(dirs).orElseGet(() -> Uuid.randomUuid().toString());
        Formatter formatter = new Formatter()
                .setPrintStream(LoggingPrintStream.debug(LOG))
                .setNodeId(NODE_ID)
                .setClusterId(clusterId)
                .setIgnoreFormatted(true)
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setMetadataLogDirectory(config.metadataLogDir());
        if (!settings.scramUsers.isEmpty()) {
            List<String> scram = new java.util.ArrayList<>();
            settings.scramUsers.forEach((user, password) ->
                    scram.add(SCRAM_MECHANISM + "=[name=" + user + ",password=" + password + "]"));
            formatter.setScramArguments(scram);
        }
        dirs.forEach(formatter::addDirectory);
        formatter.run();
    }

    private static java.util.Optional<String> existingClusterId(List<String> dirs) throws IOException {
        for (String dir : dirs) {
            Path metaProperties = Path.of(dir, MetaPropertiesEnsemble.META_PROPERTIES_NAME);
            if (Files.exists(metaProperties)) {
                Properties props = new Properties();
                try (var in = Files.newInputStream(metaProperties)) {
                    props.load(in);
                }
                String clusterId = props.getProperty("cluster.id");
                if (clusterId != null && !clusterId.isBlank()) {
                    return java.util.Optional.of(clusterId);
                }
            }
        }
        return java.util.Optional.empty();
    }

    private void requireStarted() {
        if (broker == null) {
            throw new IllegalStateException("broker not started");
        }
    }

    private static void runQuietly(String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.warn("{} failed: {}", what, e.toString());
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("could not delete Kafka log directory {}: {}", root, e.toString());
        }
    }

    /**
     * Settings of an {@link EmbeddedKafkaBroker}. Every setting has a default, so {@code builder().build()} gives a
     * working broker.
     */
    public static final class Builder {
        private String host = "localhost";
        private int port = 0;
        private int controllerPort = 0;
        private Path logDir;
        private boolean deleteLogDirOnClose = false;
        private int partitions = 1;
        private boolean autoCreateTopics = true;
        private final Map<String, String> brokerOverrides = new LinkedHashMap<>();
        private final Map<String, String> scramUsers = new LinkedHashMap<>();
        private Path tlsKeyStore;
        private Path tlsTrustStore;
        private String tlsPassword;

        private Builder() {
        }

        /** Host name the listeners bind to and advertise. Default {@code localhost}. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Client (PLAINTEXT) port. Default 0: any free port, see {@link EmbeddedKafkaBroker#port()}. */
        public Builder port(int port) {
            this.port = checkPort(port);
            return this;
        }

        /** KRaft controller port. Default 0: any free port. */
        public Builder controllerPort(int port) {
            this.controllerPort = checkPort(port);
            return this;
        }

        /**
         * Directory for data and metadata logs. Default: a new temporary directory, deleted on close. A directory
         * given here is kept on close (unless {@link #deleteLogDirOnClose(boolean)}) and reused on the next start,
         * so topics and offsets survive restarts.
         */
        public Builder logDir(Path logDir) {
            this.logDir = Objects.requireNonNull(logDir, "logDir");
            return this;
        }

        /** Whether close deletes a log directory given with {@link #logDir(Path)}. Default false. */
        public Builder deleteLogDirOnClose(boolean delete) {
            this.deleteLogDirOnClose = delete;
            return this;
        }

        /** Partitions of topics created without an explicit count (broker {@code num.partitions}). Default 1. */
        public Builder partitions(int partitions) {
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
            }
            this.partitions = partitions;
            return this;
        }

        /** Broker {@code auto.create.topics.enable}. Default true, as in a stock Kafka broker. */
        public Builder autoCreateTopics(boolean enabled) {
            this.autoCreateTopics = enabled;
            return this;
        }

        /**
         * One broker property, applied last so it overrides the defaults (e.g. {@code message.max.bytes}).
         * Overriding listeners or the quorum is possible but then the ports are yours to manage.
         */
        public Builder brokerProperty(String name, String value) {
            brokerOverrides.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Requires SASL/SCRAM-SHA-256 authentication on the client listener and creates this user (at format time,
         * so on a fresh log directory). The first user added is also the broker's own identity. Default: none, a
         * PLAINTEXT listener. Clients use {@link EmbeddedKafkaBroker#scramClientProperties(String, String)}.
         */
        public Builder scramUser(String user, String password) {
            if (user == null || user.isBlank() || password == null || password.isEmpty()) {
                throw new IllegalArgumentException("SCRAM user name and password must not be empty");
            }
            if (user.contains(",") || user.contains("]") || password.contains(",") || password.contains("]")) {
                throw new IllegalArgumentException("SCRAM user names and passwords may not contain ',' or ']'");
            }
            scramUsers.put(user, password);
            return this;
        }

        /**
         * Serves the client listener over TLS (SSL, or SASL_SSL with {@link #scramUser(String, String)}) with the
         * key and certificate in a PKCS12 key store; the trust store (PKCS12) holds what clients and the broker
         * itself trust, e.g. that certificate. Both use {@code password}. Default: no TLS.
         */
        public Builder tls(Path keyStore, Path trustStore, String password) {
            this.tlsKeyStore = Objects.requireNonNull(keyStore, "keyStore");
            this.tlsTrustStore = Objects.requireNonNull(trustStore, "trustStore");
            this.tlsPassword = Objects.requireNonNull(password, "password");
            return this;
        }

        /** Several broker property overrides; see {@link #brokerProperty(String, String)}. Default none. */
        public Builder brokerProperties(Map<String, String> overrides) {
            overrides.forEach(this::brokerProperty);
            return this;
        }

        /** A broker with these settings, not yet started: call {@link EmbeddedKafkaBroker#start()}. */
        public EmbeddedKafkaBroker build() {
            return new EmbeddedKafkaBroker(this.copy());
        }

        private Builder copy() {
            Builder copy = new Builder();
            copy.host = host;
            copy.port = port;
            copy.controllerPort = controllerPort;
            copy.logDir = logDir;
            copy.deleteLogDirOnClose = deleteLogDirOnClose;
            copy.partitions = partitions;
            copy.autoCreateTopics = autoCreateTopics;
            copy.brokerOverrides.putAll(brokerOverrides);
            copy.scramUsers.putAll(scramUsers);
            copy.tlsKeyStore = tlsKeyStore;
            copy.tlsTrustStore = tlsTrustStore;
            copy.tlsPassword = tlsPassword;
            return copy;
        }

        private static int checkPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
            }
            return port;
        }
    }
}

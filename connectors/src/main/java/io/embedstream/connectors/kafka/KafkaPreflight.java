package io.embedstream.connectors.kafka;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * One round trip to the cluster before a command or job starts, so that a wrong address, missing credentials or a
 * wrong password end in one sentence that says which, instead of Kafka clients retrying forever in the background
 * (a client without SASL settings talking to a SASL listener only sees its connections closed, and retries).
 */
public final class KafkaPreflight {
    private KafkaPreflight() {
    }

    /**
     * Describes the cluster with the given client settings.
     *
     * @param bootstrapServers Kafka {@code bootstrap.servers}
     * @param clientProperties extra client settings (security.protocol, sasl.*, ssl.*); may be empty
     * @param timeout          how long to wait for an answer
     * @return the number of brokers that answered
     * @throws IOException with a message that names the cause: authentication failed, TLS handshake failed, not
     *                     authorised, or no answer in time (with what to check)
     */
    public static int check(String bootstrapServers, Map<String, ?> clientProperties, Duration timeout)
            throws IOException {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        // One attempt per broker address: a wrong password does not become right by retrying.
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        Object configured = clientProperties.get("security.protocol");
        String protocol = configured == null ? "PLAINTEXT" : configured.toString();
        try (Admin admin = Admin.create(props)) {
            return admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis)).nodes()
                    .get(millis + 1000L, TimeUnit.MILLISECONDS).size();
        } catch (ExecutionException e) {
            throw explain(bootstrapServers, protocol, timeout, e.getCause());
        } catch (TimeoutException e) {
            throw explain(bootstrapServers, protocol, timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting to Kafka at " + bootstrapServers, e);
        } catch (org.apache.kafka.common.KafkaException e) {
            // Raised by Admin.create itself: an unknown security protocol, an unreadable trust store, a JAAS typo.
            throw new IOException("Kafka client settings for " + bootstrapServers + " are invalid: "
                    + rootMessage(e), e);
        }
    }

    private static IOException explain(String servers, String protocol, Duration timeout, Throwable cause) {
        if (cause instanceof SslAuthenticationException) {
            return new IOException("TLS handshake with Kafka at " + servers + " failed: " + rootMessage(cause)
                    + " (check ssl.truststore.* / ssl.keystore.* settings)", cause);
        }
        if (cause instanceof AuthenticationException) {
            return new IOException("Kafka at " + servers + " refused the credentials: " + rootMessage(cause)
                    + " (check sasl.mechanism and sasl.jaas.config)", cause);
        }
        if (cause instanceof AuthorizationException) {
            return new IOException("Kafka at " + servers + " authenticated this client but does not authorise it: "
                    + rootMessage(cause), cause);
        }
        return new IOException("no answer from Kafka at " + servers + " within " + timeout.toSeconds()
                + " s with security.protocol=" + protocol + ". Is the broker running and reachable? If it requires"
                + " authentication or TLS, set the client settings (security.protocol, sasl.mechanism,"
                + " sasl.jaas.config, ssl.*): -X key=value or --kafka-config FILE on the command line,"
                + " kafka.client.<key> in the job configuration.", cause);
    }

    private static String rootMessage(Throwable t) {
        String message = t.getMessage();
        Throwable c = t.getCause();
        while ((message == null || message.isBlank()) && c != null) {
            message = c.getMessage();
            c = c.getCause();
        }
        return message == null ? t.getClass().getSimpleName() : message;
    }
}

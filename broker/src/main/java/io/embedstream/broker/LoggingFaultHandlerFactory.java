package io.embedstream.broker;

import org.apache.kafka.server.fault.FaultHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import kafka.server.FaultHandlerFactory;

/**
 * Fault handlers that log instead of halting the JVM.
 *
 * <p>Kafka's standard handlers call {@code Exit.halt} on fatal faults, which would kill a test runner or the
 * application hosting the embedded broker. Here a fatal fault runs Kafka's shutdown action and is logged.
 */
final class LoggingFaultHandlerFactory implements FaultHandlerFactory {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    @Override
    public FaultHandler build(String name, boolean fatal, Runnable action) {
        return (failureMessage, cause) -> {
            String message = (fatal ? "Fatal " : "Non-fatal ") + name + " fault: " + failureMessage;
            LOG.error(message, cause);
            if (fatal) {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    LOG.error("Fault action of {} failed", name, e);
                }
            }
            return new RuntimeException(message, cause);
        };
    }
}

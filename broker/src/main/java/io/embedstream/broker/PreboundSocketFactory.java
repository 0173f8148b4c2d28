package io.embedstream.broker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.server.ServerSocketFactory;

/**
 * Hands Kafka's socket servers listening sockets that were bound before the broker configuration was written.
 *
 * <p>Binding first is what lets "port 0" work without a race: the KRaft quorum configuration must name the
 * controller's real port, so the port has to be known before Kafka starts, and a port that is merely "probed
 * free" and released could be taken by another process in the meantime.
 */
final class PreboundSocketFactory implements ServerSocketFactory {

    /** Kafka's default {@code socket.listen.backlog.size}. */
    private static final int LISTEN_BACKLOG = 50;

    private final Map<String, ServerSocketChannel> channelsByListener = new HashMap<>();

    /** Binds {@code host:port} (0 = any free port) now and reserves it for the named listener. */
    synchronized int bind(String listenerName, String host, int port) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            // As Kafka's own factory does: the acceptor registers the channel with a selector.
            channel.configureBlocking(false);
            channel.socket().setReuseAddress(true);
            channel.bind(new InetSocketAddress(host, port), LISTEN_BACKLOG);
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot bind " + listenerName + " listener to " + host + ":" + port + ": " + e.getMessage(), e);
        }
        channelsByListener.put(listenerName, channel);
        return channel.socket().getLocalPort();
    }

    @Override
    public synchronized ServerSocketChannel openServerSocket(String listenerName, InetSocketAddress socketAddress,
                                                             int listenBacklogSize, int recvBufferSize) throws IOException {
        ServerSocketChannel prebound = channelsByListener.remove(listenerName);
        if (prebound != null) {
            return prebound;
        }
        // A listener we did not reserve (e.g. added through broker property overrides): bind it the usual way.
        return ServerSocketFactory.INSTANCE.openServerSocket(listenerName, socketAddress, listenBacklogSize, recvBufferSize);
    }

    /** Closes reserved sockets that Kafka never took over (e.g. when startup failed). */
    synchronized void closeUnused() {
        for (ServerSocketChannel channel : channelsByListener.values()) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Best effort: the process is giving the port back anyway.
            }
        }
        channelsByListener.clear();
    }
}

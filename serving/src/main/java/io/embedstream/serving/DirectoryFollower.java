package io.embedstream.serving;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.embedstream.connectors.model.ModelDirectoryReader;
import io.embedstream.connectors.model.ModelFormatException;
import io.embedstream.connectors.model.PublishedModel;

/**
 * Follows a model directory ({@code v<version>/manifest.json + parameters.bin}) on the subscriber's thread: serves
 * the start version, then, at each poll, the newest version newer than the served one. A version that fails its
 * checks or its loader is refused once and not retried.
 */
final class DirectoryFollower<M> implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryFollower.class);

    private final ModelDirectoryReader reader;
    private final ModelSlot<M> slot;
    private final StartPosition start;
    private final long minimumVersion;
    private final boolean follow;
    private final Duration pollInterval;
    private final boolean serveCandidates;
    private final Set<Long> refused = new HashSet<>();
    private volatile boolean running = true;
    private volatile Thread thread;

    DirectoryFollower(ModelDirectoryReader reader, ModelSlot<M> slot, StartPosition start, long minimumVersion,
                      boolean follow, Duration pollInterval, boolean serveCandidates) {
        this.reader = reader;
        this.slot = slot;
        this.start = start;
        this.minimumVersion = minimumVersion;
        this.follow = follow;
        this.pollInterval = pollInterval;
        this.serveCandidates = serveCandidates;
    }

    /**
     * Whether a version may be served: any with {@code serveCandidates}; else one written before the gate (no status),
     * or a candidate whose decision.json promotes it. Rollbacks are a topic feature.
     */
    private boolean promoted(PublishedModel model) {
        if (serveCandidates) {
            return true;
        }
        try {
            boolean promote = reader.promoted(model);
            if (!promote && reader.decision(model.version()).isPresent()) {
                refused.add(model.version()); // rejected for good: not read again (not a refusal of the subscriber)
            }
            return promote;
        } catch (UncheckedIOException | ModelFormatException e) {
            LOG.warn("{}: decision of version {} unreadable, not served: {}", slot, model.version(), e.getMessage());
            return false;
        }
    }

    void stop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        Throwable failure = null;
        try {
            long floor = start.isLatest() ? minimumVersion : Math.max(minimumVersion, start.version());
            while (running) {
                try {
                    poll(floor);
                } catch (UncheckedIOException e) {
                    LOG.warn("{}: cannot list versions, retrying in {}: {}", slot, pollInterval, e.getMessage());
                }
                if (!follow) {
                    return;
                }
                Thread.sleep(pollInterval.toMillis());
            }
        } catch (InterruptedException e) {
            if (running) {
                failure = e;
            }
        } catch (RuntimeException | Error e) {
            failure = e;
            LOG.error("{} stopped: {}", slot, e.toString(), e);
        } finally {
            slot.finish(failure);
        }
    }

    private void poll(long floor) {
        List<Long> candidates = new ArrayList<>();
        for (long version : reader.versions()) {
            if (version >= floor && version > slot.currentVersion() && !refused.contains(version)) {
                candidates.add(version);
            }
        }
        // Before the first version with an explicit start, the oldest candidate is the start version; otherwise
        // the newest is wanted, falling back to older ones only when newer ones are refused.
        if (start.isLatest() || slot.currentVersion() >= 0) {
            Collections.reverse(candidates);
        }
        for (long version : candidates) {
            if (!running) {
                return;
            }
            PublishedModel model;
            try {
                model = reader.read(version);
            } catch (ModelFormatException | UncheckedIOException e) {
                refused.add(version);
                slot.refuse(Long.toString(version), e.getMessage());
                continue;
            }
            if (!promoted(model)) {
                continue; // a candidate not (yet) promoted: looked at again at the next poll
            }
            if (slot.offer(model)) {
                return;
            }
            refused.add(version);
        }
    }
}

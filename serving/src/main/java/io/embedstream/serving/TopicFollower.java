package io.embedstream.serving;

import io.embedstream.connectors.model.ModelFormatException;
import io.embedstream.connectors.model.PromotionRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.embedstream.connectors.model.AssemblyResult;
import io.embedstream.connectors.model.ManifestVerifier;
import io.embedstream.connectors.model.ModelAssembler;
import io.embedstream.connectors.model.PublishedModel;

/**
 * Follows the models topic on the subscriber's thread: finds the version to start with, then assembles, verifies and
 * offers each newer version as its transaction becomes visible ({@code read_committed}).
 *
 * <p>Finding the latest version does not read the whole topic: each partition's tail is read backwards in growing
 * windows (64, 256, ... records) until a window holds a complete acceptable version, or the partition's start.
 */
final class TopicFollower<M> implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);
    private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,18}");
    private static final long FIRST_WINDOW = 64;
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    private final Consumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;
    private final ModelSlot<M> slot;
    private final StartPosition start;
    private final long minimumVersion;
    private final boolean follow;
    private final ManifestVerifier verifier;
    private final long maxModelBytes;
    private final Duration pollTimeout;
    private final PromotionTracker<M> promotions;
    private final boolean serveCandidates;
    private volatile boolean running = true;

    TopicFollower(Consumer<byte[], byte[]> consumer, List<TopicPartition> partitions, ModelSlot<M> slot,
                  StartPosition start, long minimumVersion, boolean follow, ManifestVerifier verifier,
                  long maxModelBytes, Duration pollTimeout, PromotionTracker<M> promotions, boolean serveCandidates) {
        this.consumer = consumer;
        this.partitions = List.copyOf(partitions);
        this.slot = slot;
        this.start = start;
        this.minimumVersion = minimumVersion;
        this.follow = follow;
        this.verifier = verifier;
        this.maxModelBytes = maxModelBytes;
        this.pollTimeout = pollTimeout;
        this.promotions = promotions;
        this.serveCandidates = serveCandidates;
    }

    void stop() {
        running = false;
        consumer.wakeup();
    }

    @Override
    public void run() {
        Throwable failure = null;
        try {
            while (running) {
                try {
                    followFromStart();
                    return;
                } catch (WakeupException | InterruptException e) {
                    throw e;
                } catch (org.apache.kafka.common.KafkaException e) {
                    // E.g. the broker is unreachable for a while: the served version keeps serving; start over.
                    LOG.warn("{}: reading the models topic failed, starting over in {}: {}", slot, RETRY_PAUSE,
                            e.toString());
                    pause();
                }
            }
        } catch (WakeupException | InterruptException e) {
            if (running) {
                failure = e;
            }
        } catch (RuntimeException | Error e) {
            failure = e;
            LOG.error("{} stopped: {}", slot, e.toString(), e);
        } finally {
            slot.finish(failure);
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void followFromStart() {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        long floor = minimumVersion;
        consumer.assign(partitions);
        if (start.isLatest()) {
            startAtLatest(ends, floor);
            if (!follow) {
                return;
            }
            ends.forEach(consumer::seek);
        } else {
            floor = Math.max(floor, start.version());
            consumer.seekToBeginning(partitions);
        }
        follow(ends, floor, !start.isLatest());
    }

    /** Reads new records until stopped (or, when pinned, until a version is served or the initial end is reached). */
    private void follow(Map<TopicPartition, Long> initialEnds, long floor, boolean catchingUp) {
        ModelAssembler assembler = assembler(evicted -> slot.refuse(evicted.key(), evicted.reason()));
        while (running) {
            Iterable<ConsumerRecord<byte[], byte[]>> records;
            try {
                records = consumer.poll(pollTimeout);
            } catch (WakeupException e) {
                if (!running) {
                    return;
                }
                throw e;
            } catch (org.apache.kafka.common.KafkaException e) {
                LOG.warn("polling the models topic failed, retrying in {}: {}", RETRY_PAUSE, e.toString());
                pause();
                continue;
            }
            for (ConsumerRecord<byte[], byte[]> record : records) {
                if (PromotionRecord.isDecision(record.headers())) {
                    if (decide(record) && !follow) {
                        return;
                    }
                    continue;
                }
                long version = versionOf(record.key());
                if (version >= 0 && (version < floor || version <= slot.currentVersion())) {
                    continue; // older than what we serve or may serve: do not even buffer it
                }
                AssemblyResult result = assembler.accept(record);
                if (result instanceof AssemblyResult.Completed done) {
                    if (promotions.onModel(done.model()) && !follow) {
                        return;
                    }
                } else if (result instanceof AssemblyResult.Rejected rejected) {
                    slot.refuse(rejected.key(), rejected.reason());
                }
            }
            if (catchingUp && reached(initialEnds)) {
                catchingUp = false;
                if (!follow) {
                    return; // pinned and nothing acceptable at or after the start version
                }
            }
        }
    }

    /** Serves the newest acceptable version at start-up, if there is one; refusals newer than it are reported. */
    private void startAtLatest(Map<TopicPartition, Long> ends, long floor) {
        Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions);
        Set<Long> excluded = new HashSet<>();
        Map<String, String> reported = new LinkedHashMap<>();
        while (running) {
            PublishedModel best = null;
            Map<String, String> rejections = new LinkedHashMap<>();
            for (TopicPartition partition : partitions) {
                PublishedModel newest = newestInTail(partition, begins.get(partition), ends.get(partition), floor,
                        excluded, rejections);
                if (newest != null && (best == null || newest.version() > best.version())) {
                    best = newest;
                }
            }
            long served = best == null ? -1 : best.version();
            rejections.forEach((key, reason) -> {
                long version = versionOf(key.getBytes(StandardCharsets.UTF_8));
                // Older versions' problems are history; newer ones are versions we would have served.
                if ((version < 0 || version > served) && reported.putIfAbsent(key, reason) == null) {
                    slot.refuse(key, reason);
                }
            });
            if (best != null && !serveCandidates && PromotionRecord.isCandidate(best.manifest())) {
                replayDecisions(ends, floor);
                return;
            }
            if (best == null || promotions.onModel(best)) {
                return;
            }
            excluded.add(best.version()); // the loader refused it (counted); look for the next older one
        }
    }

    /**
     * The newest complete, verified version in a partition's tail that is at least {@code floor} and not excluded,
     * reading larger windows backwards from {@code end} until one is found.
     */
    private PublishedModel newestInTail(TopicPartition partition, long begin, long end, long floor, Set<Long> excluded,
                                        Map<String, String> rejections) {
        consumer.assign(List.of(partition));
        for (long window = FIRST_WINDOW; running; window *= 4) {
            long from = Math.max(begin, end - window);
            consumer.seek(partition, from);
            Map<String, String> found = new LinkedHashMap<>();
            ModelAssembler assembler = assembler(evicted -> found.put(evicted.key(), evicted.reason()));
            PublishedModel newest = null;
            boolean belowFloor = false;
            while (running && consumer.position(partition) < end) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(pollTimeout)) {
                    if (record.offset() >= end || PromotionRecord.isDecision(record.headers())) {
                        continue; // committed after start-up (the follow phase reads it), or a decision
                    }
                    long version = versionOf(record.key());
                    if (version >= 0 && version < floor) {
                        belowFloor = true;
                        continue;
                    }
                    if (version >= 0 && excluded.contains(version)) {
                        continue;
                    }
                    AssemblyResult result = assembler.accept(record);
                    if (result instanceof AssemblyResult.Completed done) {
                        if (newest == null || done.model().version() > newest.version()) {
                            newest = done.model();
                        }
                    } else if (result instanceof AssemblyResult.Rejected rejected) {
                        found.put(rejected.key(), rejected.reason());
                    }
                }
            }
            if (newest != null || from == begin || belowFloor) {
                found.forEach(rejections::putIfAbsent);
                consumer.assign(partitions);
                return newest;
            }
        }
        consumer.assign(partitions);
        return null;
    }

    /** Applies a decision record; true if it changed the served version. A record it cannot read is refused. */
    private boolean decide(ConsumerRecord<byte[], byte[]> record) {
        PromotionRecord decision;
        try {
            decision = PromotionRecord.fromBytes(record.value() == null ? new byte[0] : record.value());
        } catch (ModelFormatException e) {
            slot.refuse(PromotionRecord.KEY + "@" + record.offset(), e.getMessage());
            return false;
        }
        return promotions.onDecision(decision);
    }

    /**
     * Start-up of a subscriber that serves promoted versions only, on a topic with candidates: reads the topic from
     * its beginning to the end offsets of start-up, learning every decision without serving, then serves the version
     * the last one names (and keeps the recent promoted versions for rollbacks).
     */
    private void replayDecisions(Map<TopicPartition, Long> ends, long floor) {
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        ModelAssembler assembler = assembler(evicted -> { });
        promotions.beginReplay();
        while (running && !reached(ends)) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(pollTimeout)) {
                if (record.offset() >= ends.get(new TopicPartition(record.topic(), record.partition()))) {
                    continue; // committed after start-up: read again by the follow phase
                }
                if (PromotionRecord.isDecision(record.headers())) {
                    decide(record);
                    continue;
                }
                long version = versionOf(record.key());
                if (version >= 0 && version < floor) {
                    continue;
                }
                if (assembler.accept(record) instanceof AssemblyResult.Completed done) {
                    promotions.onModel(done.model());
                }
            }
        }
        promotions.endReplay();
    }

    private boolean reached(Map<TopicPartition, Long> ends) {
        for (TopicPartition partition : partitions) {
            if (consumer.position(partition) < ends.get(partition)) {
                return false;
            }
        }
        return true;
    }

    private ModelAssembler assembler(java.util.function.Consumer<AssemblyResult.Rejected> evictions) {
        return ModelAssembler.builder().verifier(verifier).maxPendingBytes(maxModelBytes)
                .evictionListener(evictions).build();
    }

    private void pause() {
        try {
            Thread.sleep(RETRY_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** The version a record key names, or -1 if it names none. */
    private static long versionOf(byte[] key) {
        if (key == null) {
            return -1;
        }
        String text = new String(key, StandardCharsets.UTF_8);
        return DECIMAL.matcher(text).matches() ? Long.parseLong(text) : -1;
    }

    @Override
    public String toString() {
        return slot.toString();
    }
}

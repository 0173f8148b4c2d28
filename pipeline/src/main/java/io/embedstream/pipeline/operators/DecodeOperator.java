package io.embedstream.pipeline.operators;

import io.embedstream.connectors.wire.DeadLetter;
import io.embedstream.connectors.wire.DeadLetters;
import io.embedstream.connectors.wire.DecodeResult;
import io.embedstream.connectors.wire.ImageRecordDecoder;
import io.embedstream.connectors.wire.RecordSource;
import io.embedstream.connectors.wire.WireHeaders;
import io.embedstream.model.net.NetworkConfig;
import io.embedstream.pipeline.types.KafkaBytesRecord;
import io.embedstream.pipeline.types.RawImageRecord;
import io.embedstream.pipeline.types.ScoredImage;
import io.embedstream.types.FitMode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes and validates input records into images of the network's input geometry. A record that cannot be
 * used goes to the dead-letter side output with its original bytes and headers and the reason; the job goes on.
 */
public final class DecodeOperator extends ProcessFunction<RawImageRecord, ScoredImage> {
    /** Records for the dead-letter topic. */
    public static final OutputTag<KafkaBytesRecord> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private final int classes;
    private final boolean classNames;
    private final NetworkConfig network;
    private final int maxRecordBytes;
    private final FitMode fitMode;
    private final String deadLetterTopic;
    private transient ImageRecordDecoder decoder;
    private transient Counter decoded;
    private transient Counter deadLettered;
    private transient LongCounter decodedTotal;
    private transient LongCounter deadLetteredTotal;

    /** @param classNames whether a label may be a class name (resolved later by the batcher's registry) */
    public DecodeOperator(int classes, boolean classNames, NetworkConfig network, int maxRecordBytes,
                          FitMode fitMode, String deadLetterTopic) {
        this.classes = classes;
        this.classNames = classNames;
        this.fitMode = fitMode;
        this.network = network;
        this.maxRecordBytes = maxRecordBytes;
        this.deadLetterTopic = deadLetterTopic;
    }

    @Override
    public void open(OpenContext context) {
        decoder = ImageRecordDecoder.builder()
                .classes(classes)
                .target(network.width(), network.height(), network.channels())
                .fitMode(fitMode)
                .maxRecordBytes(maxRecordBytes)
                .classNames(classNames)
                .build();
        decoded = getRuntimeContext().getMetricGroup().counter("decoded");
        deadLettered = getRuntimeContext().getMetricGroup().counter("deadLettered");
        decodedTotal = Accumulators.counter(getRuntimeContext(), Accumulators.DECODED);
        deadLetteredTotal = Accumulators.counter(getRuntimeContext(), Accumulators.DEAD_LETTERED);
    }

    @Override
    public void processElement(RawImageRecord raw, Context ctx, Collector<ScoredImage> out) {
        WireHeaders headers = headersOf(raw);
        RecordSource source = new RecordSource(raw.topic, raw.partition, raw.offset);
        DecodeResult result;
        try {
            result = decoder.decode(raw.value, headers, source);
        } catch (RuntimeException e) {
            // The decoder promises not to throw; if it ever does, the record still must not be lost.
            result = new DecodeResult.Rejected("decoder failure: " + e, DecodeResult.STAGE_DECODE);
        }
        if (result instanceof DecodeResult.Decoded d) {
            decoded.inc();
            decodedTotal.add(1L);
            ScoredImage image = ScoredImage.of(d.image(), Float.NaN);
            image.labelName = d.labelName();
            image.topic = raw.topic;
            image.partition = raw.partition;
            image.offset = raw.offset;
            out.collect(image);
        } else {
            DecodeResult.Rejected rejected = (DecodeResult.Rejected) result;
            deadLettered.inc();
            deadLetteredTotal.add(1L);
            DeadLetter letter = DeadLetter.of(raw.key, raw.value, headers, source, rejected);
            ctx.output(DEAD_LETTERS, KafkaBytesRecord.of(DeadLetters.toProducerRecord(deadLetterTopic, letter)));
        }
    }

    private static WireHeaders headersOf(RawImageRecord raw) {
        Map<String, byte[]> map = new LinkedHashMap<>();
        for (int i = 0; i < raw.headerNames.length; i++) {
            map.remove(raw.headerNames[i]); // last value wins, as in Kafka's lastHeader
            map.put(raw.headerNames[i], raw.headerValues[i]);
        }
        return WireHeaders.of(map);
    }
}

package io.embedstream.pipeline.cli;

import io.embedstream.connectors.dataset.DatasetProducer;
import io.embedstream.connectors.dataset.SendSummary;
import io.embedstream.types.LabeledImage;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code embedstream produce}: a dataset to the input topic. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Send a dataset's training images to the input topic (PNG values with a label header),"
                + " with a progress line, an optional rate limit and a share of degraded images.")
public final class ProduceCommand implements Callable<Integer> {

    @Option(names = "--bootstrap", defaultValue = "localhost:9092", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = "--topic", defaultValue = "images", description = "Input topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--dataset", defaultValue = "synthetic",
            description = Datasets.FORMS + "; the train split is sent (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--count", defaultValue = "0", description = "Images to send, cycling through the dataset; 0 = one pass (default: ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--rate", defaultValue = "0", description = "Images per second; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--degraded-share", defaultValue = "0", description = "Share of images degraded (default: ${DEFAULT-VALUE}).")
    double degradedShare;

    @Option(names = "--order", defaultValue = "shuffled", paramLabel = "shuffled|stored",
            description = "Order of the images within each pass: a fresh shuffle per pass or the stored order (default: ${DEFAULT-VALUE}).")
    String order;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the degradations and the order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    KafkaClientOptions kafka;

    @Override
    public Integer call() throws Exception {
        StreamOrder imageOrder = StreamOrder.parse("--order", order);
        List<LabeledImage> images = Datasets.trainImages(dataset);
        kafka.check(bootstrap);
        long total = count > 0 ? count : images.size();
        ImageStream stream = new ImageStream(images, total, degradedShare, seed, imageOrder);
        long start = System.nanoTime();
        SendSummary summary;
        try (DatasetProducer producer = DatasetProducer.builder().bootstrapServers(bootstrap).topic(topic)
                .rateLimit(rate).clientProperties(kafka.properties()).build()) {
            summary = producer.send(stream, (submitted, acknowledged, failed) -> System.err.printf(Locale.ROOT,
                    "\rsent %,d/%,d (acknowledged %,d, failed %,d)", submitted, total, acknowledged, failed));
        }
        System.err.println();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "sent %,d images to %s on %s in %.1f s (%.0f images/s); %,d failed%n",
                summary.sent(), topic, bootstrap, seconds, summary.sent() / seconds, summary.failed());
        return summary.failed() == 0 ? 0 : 1;
    }
}

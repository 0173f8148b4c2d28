package io.embedstream.experiments;

import io.embedstream.model.data.DegradedImage;
import io.embedstream.types.LabeledImage;
import java.util.List;
import java.util.Objects;

/**
 * The images of an experiment.
 *
 * @param name       dataset name for reports
 * @param train      the training stream, in dataset order (may contain degraded images)
 * @param references the gallery the queries are ranked against: the clean train split
 * @param queries    the test split as evaluated, each with its degradation (clean images included)
 * @param cleanTest  the test split without degradations: what the unseen corruptions start from
 * @param probe      a fixed set embedded at every monitoring window (clean test images of every class)
 * @param classes    number of classes
 */
public record ExperimentData(String name, List<LabeledImage> train, List<LabeledImage> references,
                             List<DegradedImage> queries, List<LabeledImage> cleanTest, List<LabeledImage> probe,
                             int classes) {

    public ExperimentData {
        Objects.requireNonNull(name, "name");
        train = List.copyOf(train);
        references = List.copyOf(references);
        queries = List.copyOf(queries);
        cleanTest = List.copyOf(cleanTest);
        probe = List.copyOf(probe);
        if (train.isEmpty() || references.isEmpty() || queries.isEmpty() || probe.size() < 2) {
            throw new IllegalArgumentException("an experiment needs training images, references, queries and at"
                    + " least two probe images");
        }
    }
}

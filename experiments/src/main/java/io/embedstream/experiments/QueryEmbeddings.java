package io.embedstream.experiments;

import io.embedstream.model.data.DegradedImage;
import io.embedstream.types.LabeledImage;
import io.embedstream.model.eval.LabeledEmbeddings;
import io.embedstream.model.eval.QualityBucket;
import io.embedstream.model.net.EmbeddingModel;
import io.embedstream.model.quality.QualityEstimator;
import java.util.List;

/**
 * Embeds images with a model into {@link LabeledEmbeddings}: references from plain images, queries from
 * {@link DegradedImage}s with their no-reference quality score ({@link QualityEstimator}) and their
 * {@link QualityBucket} (from the known degradation severity).
 */
public final class QueryEmbeddings {
    /** Images per inference batch. */
    public static final int BATCH = 256;

    private QueryEmbeddings() {}

    public static LabeledEmbeddings references(EmbeddingModel model, List<LabeledImage> images) {
        float[][] rows = finite(model.embed(images, BATCH));
        return LabeledEmbeddings.of(rows, images.stream().mapToInt(LabeledImage::label).toArray());
    }

    /** The embeddings of {@code images}, refused when any value is not finite. */
    public static float[][] embed(EmbeddingModel model, List<LabeledImage> images) {
        return finite(model.embed(images, BATCH));
    }

    public static LabeledEmbeddings queries(EmbeddingModel model, List<DegradedImage> images, double strongFrom) {
        List<LabeledImage> plain = images.stream().map(DegradedImage::image).toList();
        float[][] rows = finite(model.embed(plain, BATCH));
        QualityEstimator estimator = QualityEstimator.defaults();
        float[] q = new float[images.size()];
        QualityBucket[] buckets = new QualityBucket[images.size()];
        for (int i = 0; i < images.size(); i++) {
            q[i] = (float) Math.max(0, Math.min(1, estimator.estimate(plain.get(i)).q()));
            DegradedImage im = images.get(i);
            buckets[i] = QualityBucket.ofSeverity(im.isClean() ? 0 : im.severity(), strongFrom);
        }
        return LabeledEmbeddings.of(rows, plain.stream().mapToInt(LabeledImage::label).toArray())
                .withQualities(q).withBuckets(buckets);
    }

    private static float[][] finite(float[][] rows) {
        for (int i = 0; i < rows.length; i++) {
            for (float v : rows[i]) {
                if (!Float.isFinite(v)) {
                    throw new NonFiniteEmbeddingException("embedding " + i + " has a non-finite value " + v
                            + " (the model diverged)");
                }
            }
        }
        return rows;
    }
}

package io.embedstream.pipeline.operators;

import io.embedstream.types.LabeledImage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The promotion gate's embeddings, remembered per version and held-out image. Every judgement evaluates the
 * candidate and each kept promoted version on the whole held-out set; the kept versions do not change between
 * judgements and most of the set does not either, so without this the gate re-embedded up to 3 x 1,000 images per
 * candidate that it had embedded the judgement before (on a 2-core machine at 64x64 that was a tenth of the CPU the
 * trainer had).
 *
 * <p>Keys are identities: a version's parameter array as the gate keeps it, and the held-out set's image objects. A
 * restore brings new objects, so the first judgement after it embeds everything again. Not checkpointed: it is a
 * cache of a pure function of its keys.
 */
final class HeldOutEmbeddingCache implements PromotionGate.Embedder {
    private final PromotionGate.Embedder embedder;
    private final Map<byte[], Map<LabeledImage, float[]>> byParameters = new IdentityHashMap<>();
    private long embedded;

    HeldOutEmbeddingCache(PromotionGate.Embedder embedder) {
        this.embedder = embedder;
    }

    @Override
    public float[][] embed(byte[] parameters, List<LabeledImage> images) {
        Map<LabeledImage, float[]> rows = byParameters.computeIfAbsent(parameters, p -> new IdentityHashMap<>());
        List<LabeledImage> missing = new ArrayList<>();
        Set<LabeledImage> asked = Collections.newSetFromMap(new IdentityHashMap<>());
        for (LabeledImage image : images) {
            if (!rows.containsKey(image) && asked.add(image)) {
                missing.add(image);
            }
        }
        if (!missing.isEmpty()) {
            float[][] fresh = embedder.embed(parameters, missing);
            for (int i = 0; i < missing.size(); i++) {
                rows.put(missing.get(i), fresh[i]);
            }
            embedded += missing.size();
        }
        float[][] out = new float[images.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = rows.get(images.get(i));
        }
        return out;
    }

    /** Forgets every version not in {@code parameters} and every image not in {@code images}. */
    void retain(Collection<byte[]> parameters, Collection<LabeledImage> images) {
        Set<byte[]> keptVersions = Collections.newSetFromMap(new IdentityHashMap<>());
        keptVersions.addAll(parameters);
        byParameters.keySet().retainAll(keptVersions);
        Set<LabeledImage> keptImages = Collections.newSetFromMap(new IdentityHashMap<>());
        keptImages.addAll(images);
        for (Map<LabeledImage, float[]> rows : byParameters.values()) {
            rows.keySet().retainAll(keptImages);
        }
    }

    /** Images embedded so far (cache misses), for tests and the log. */
    long embedded() {
        return embedded;
    }

    /** Rows remembered now, over all versions. */
    int size() {
        return byParameters.values().stream().mapToInt(Map::size).sum();
    }
}

package io.embedstream.experiments.versus;

import io.embedstream.model.data.LabeledDataset;
import io.embedstream.model.data.corruption.Corruption;
import io.embedstream.model.data.corruption.CorruptionSet;
import io.embedstream.types.LabeledImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.apache.flink.util.FileUtils;

/**
 * The files the PyTorch side works from, written once for every seed: the dataset as IDX (so the loop trains on
 * the images Java loaded) and the image sets its trained network embeds, namely the clean train split (the
 * gallery), the clean test split and the test split under each corruption kind and level, corrupted by the same
 * call and seed as {@link io.embedstream.model.eval.CorruptionEvaluator} uses. Closing deletes them: they are
 * hundreds of megabytes on MNIST and carry nothing the results do not.
 */
public final class TorchSide implements AutoCloseable {
    private static final String GALLERY = "gallery";

    private final Path work;
    private final TorchImageSets sets;

    private TorchSide(Path work, TorchImageSets sets) {
        this.work = work;
        this.sets = sets;
    }

    /**
     * @param forTheLoop whether the loop runs: without it only the dataset is written (the stream reads it), not
     *                   the image sets, which on Fashion-MNIST are 16 copies of the test split and the train split
     */
    public static TorchSide prepare(Path work, LabeledDataset data, CorruptionSet kinds, long corruptionSeed,
                                    boolean forTheLoop) throws IOException {
        Files.createDirectories(work.resolve("data"));
        Files.createDirectories(work.resolve("sets"));
        IdxFiles.write(work.resolve("data"), "train", data.train());
        IdxFiles.write(work.resolve("data"), "test", data.test());
        TorchImageSets sets = new TorchImageSets(work.resolve("sets"));
        if (!forTheLoop) {
            return new TorchSide(work, sets);
        }
        sets.add(GALLERY, data.train());
        sets.add("clean", data.test());
        for (Corruption kind : kinds.kinds()) {
            for (int level = 1; level <= Corruption.LEVELS; level++) {
                List<LabeledImage> corrupted = kind.apply(data.test(), level, corruptionSeed);
                sets.add(kind.cliName() + "-" + level, corrupted);
            }
        }
        return new TorchSide(work, sets);
    }

    public Path datasetDir() {
        return work.resolve("data");
    }

    public Path setsDir() {
        return work.resolve("sets");
    }

    /** The loop's embeddings of the clean train split, from its latest run. */
    public float[][] gallery() throws IOException {
        return sets.embeddings(GALLERY);
    }

    /** The loop's latest model for an evaluator: each image set it was given to its embeddings. */
    public Function<List<LabeledImage>, float[][]> embedder() {
        return sets.embedder();
    }

    @Override
    public void close() {
        try {
            FileUtils.deleteDirectory(work.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

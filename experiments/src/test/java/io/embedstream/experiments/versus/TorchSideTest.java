package io.embedstream.experiments.versus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.pipeline.cli.Datasets;
import io.embedstream.model.data.LabeledDataset;
import io.embedstream.model.data.corruption.CorruptionSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loop's image sets are written only when the loop runs; the dataset always (the stream reads it). */
class TorchSideTest {
    @TempDir
    Path dir;

    private static List<String> names(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void withoutTheLoopOnlyTheDatasetIsWrittenAndClosingDeletesIt() throws Exception {
        LabeledDataset data = Datasets.load("synthetic:40:20");
        CorruptionSet kinds = CorruptionSet.parse("rotate");
        Path withLoop = dir.resolve("loop");
        try (TorchSide side = TorchSide.prepare(withLoop, data, kinds, 7, true)) {
            assertEquals(List.of("clean.u8", "gallery.u8", "rotate-1.u8", "rotate-2.u8", "rotate-3.u8", "sets.json"),
                    names(side.setsDir()));
            assertEquals(4, names(side.datasetDir()).size(), "train and test images and labels");
        }
        assertTrue(Files.notExists(withLoop));
        Path alone = dir.resolve("alone");
        try (TorchSide side = TorchSide.prepare(alone, data, kinds, 7, false)) {
            assertTrue(names(side.setsDir()).stream().noneMatch(n -> n.endsWith(".u8")), names(side.setsDir())
                    .toString());
            assertEquals(4, names(side.datasetDir()).size(), "train and test images and labels");
        }
        assertTrue(Files.notExists(alone));
    }
}

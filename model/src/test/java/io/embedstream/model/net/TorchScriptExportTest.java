package io.embedstream.model.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.embedstream.model.data.SyntheticShapes;
import io.embedstream.model.testing.PythonScripts;
import io.embedstream.model.testing.TorchScriptFixtures;
import io.embedstream.model.train.EmbeddingTrainer;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.model.train.TrainingBatch;
import io.embedstream.types.LabeledImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole embedding network of a fine-tuned TorchScript backbone, written as one TorchScript archive: Java loads it
 * back to the same embeddings, and Debian's PyTorch ({@code torch.jit.load}) computes them within 1e-4.
 */
class TorchScriptExportTest {

    /** 16: with a head (the backbone gives 32 features); 32: without, the archive is the backbone itself. */
    @ParameterizedTest
    @ValueSource(ints = {16, 32})
    void theWholeNetworkLoadsInJavaAndInPyTorch(int embedding, @TempDir Path dir) throws Exception {
        List<LabeledImage> images = SyntheticShapes.builder().seed(4).build().generate(32);
        TrainerConfig config = TrainerConfig.builder()
                .network(NetworkConfig.builder().architecture("torchscript:" + TorchScriptFixtures.tinyBackbone())
                        .embeddingSize(embedding).build())
                .learningRate(0.05f).device("cpu").seed(9).build();
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config)) {
            for (int i = 0; i < 3; i++) {
                trainer.step(TrainingBatch.of(images));
            }
            float[][] trained = trainer.model().embed(images, 16);
            byte[] archive = trainer.model().parametersToBytes();

            try (EmbeddingModel published = EmbeddingModel.fromParameters(config.network(), Device.cpu(), archive)) {
                assertEquals(0f, maxAbsDiff(trained, published.embed(images, 16)), "a second load of the archive");
            }
            try (EmbeddingModel fresh = EmbeddingModel.create(config.network(), Device.cpu(), 77)) {
                fresh.loadParameters(archive);
                assertEquals(0f, maxAbsDiff(trained, fresh.embed(images, 16)), "the archive loaded into a fresh network");
            }

            Path model = dir.resolve("model.pt");
            Files.write(model, archive);
            Path input = dir.resolve("input.f32");
            try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
                Files.write(input, littleEndian(trainer.model().toInput(manager, images).toFloatArray()));
            }
            Path output = dir.resolve("output.f32");
            PythonScripts.Result result = PythonScripts.run(120, "-c", String.join("\n",
                    "import sys, numpy as np, torch",
                    "m = torch.jit.load(sys.argv[1]).eval()",
                    "x = torch.from_numpy(np.fromfile(sys.argv[2], dtype='<f4').reshape(32, 1, 28, 28))",
                    "with torch.no_grad(): y = m(x)",
                    "y.numpy().astype('<f4').tofile(sys.argv[3])",
                    "print('torch', torch.__version__, 'loaded', type(m).__name__, 'output', tuple(y.shape))"),
                    model.toString(), input.toString(), output.toString());
            System.out.println(result.output());
            assertEquals(0, result.exitCode(), result.output());
            float[] python = floats(Files.readAllBytes(output));
            assertEquals(32 * embedding, python.length);
            float[][] fromPython = new float[32][embedding];
            for (int i = 0; i < 32; i++) {
                System.arraycopy(python, i * embedding, fromPython[i], 0, embedding);
            }
            float diff = maxAbsDiff(trained, fromPython);
            System.out.println("embedding " + embedding + ": max |Java - torch.jit.load| = " + diff);
            assertTrue(diff <= 1e-4f, "max abs diff " + diff);
        }
    }

    private static float[] floats(byte[] bytes) {
        float[] out = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    private static byte[] littleEndian(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }

    private static float maxAbsDiff(float[][] a, float[][] b) {
        assertEquals(a.length, b.length);
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i].length, b[i].length);
            for (int j = 0; j < a[i].length; j++) {
                max = Math.max(max, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return max;
    }
}

package io.embedstream.pipeline;

import static io.embedstream.pipeline.PipelineTestSupport.await;
import static io.embedstream.pipeline.PipelineTestSupport.readAll;
import static io.embedstream.pipeline.PipelineTestSupport.startWithoutRestarts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.embedstream.broker.EmbeddedKafkaBroker;
import io.embedstream.connectors.model.AssemblyResult;
import io.embedstream.pipeline.PipelineTestSupport.CommandOutput;
import io.embedstream.connectors.model.ModelAssembler;
import io.embedstream.connectors.model.PublishedModel;
import io.embedstream.connectors.wire.ImageRecordEncoder;
import io.embedstream.connectors.wire.PixelBuffer;
import io.embedstream.connectors.wire.PixelConversions;
import io.embedstream.model.data.SyntheticShapes;
import io.embedstream.model.net.Architecture;
import io.embedstream.model.net.EmbeddingModel;
import io.embedstream.model.net.NamedArray;
import io.embedstream.model.net.NetworkConfig;
import io.embedstream.model.testing.DebianPyTorch;
import io.embedstream.model.testing.TorchScriptFixtures;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.config.PipelineConfig;
import io.embedstream.pipeline.config.PublishConfig;
import io.embedstream.pipeline.operators.ModelDirectorySink;
import io.embedstream.pipeline.types.ModelSnapshot;
import io.embedstream.types.LabeledImage;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Published versions load in plain PyTorch: {@code python/embedstream_torch} (run with Debian's python3-torch)
 * rebuilds each built-in network and reads parameters.bin with numpy, and its embeddings match
 * {@code bin/embedstream embed}'s. The two sides share no code: Java decodes with ImageIO and runs DJL's layers on
 * DJL's libtorch; Python decodes PNG with zlib and runs torch.nn layers on Debian's libtorch 1.13.
 *
 * <p>Images of other sizes and channel counts than the network's are among the inputs, so that both sides' channel
 * conversion and resizing are compared as well.
 */
class PyTorchInteropTest {
    /** The bound on the largest absolute difference of any embedding component. */
    private static final double TOLERANCE = 1e-4;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    /** Skips (or, under CI's EMBEDSTREAM_REQUIRE_PYTORCH=1, fails) before the Java side's minutes of work. */
    @BeforeEach
    void requirePyTorch() {
        DebianPyTorch.python();
    }

    /**
     * Each architecture at an input that is neither square nor the default, with its own normalisation, and with
     * batch-norm statistics and PReLU slopes moved away from their initial 0/1/0.25, so that a swapped or
     * mis-mapped tensor changes the output.
     */
    @ParameterizedTest
    @EnumSource(value = Architecture.class, names = "TORCHSCRIPT", mode = EnumSource.Mode.EXCLUDE)
    void eachBuiltInArchitectureEmbedsInPyTorchAsInJava(Architecture architecture) throws Exception {
        boolean rgb = architecture != Architecture.CM_MNIST;
        NetworkConfig network = NetworkConfig.builder().architecture(architecture)
                .inputSize(architecture == Architecture.RESNET ? 24 : 20, architecture == Architecture.RESNET ? 36 : 28,
                        rgb ? 3 : 1)
                .embeddingSize(24)
                // RGB networks with per-channel values (recorded as lists in the manifest), grey with one of each.
                .inputNormalization(rgb ? new float[] {0.45f, 0.40f, 0.52f} : new float[] {0.45f},
                        rgb ? new float[] {0.22f, 0.27f, 0.19f} : new float[] {0.22f})
                .build();
        TrainerConfig config = TrainerConfig.builder().classes(3).network(network).build();
        ModelSnapshot snapshot = new ModelSnapshot();
        snapshot.version = 5;
        snapshot.step = 50;
        snapshot.timestampMillis = System.currentTimeMillis();
        snapshot.classes = 3;
        // A stream that names its classes, one row untrained: both sides answer among the named classes only.
        snapshot.classNames = new String[] {"caf\u00e9", null, "dog"};
        Random random = new Random(architecture.ordinal());
        snapshot.classWeights = new float[3 * network.embeddingSize()];
        for (int i = 0; i < snapshot.classWeights.length; i++) {
            snapshot.classWeights[i] = (float) random.nextGaussian();
        }
        try (EmbeddingModel model = EmbeddingModel.create(network, Device.cpu(), 17)) {
            perturb(model, random);
            snapshot.parameters = model.parametersToBytes();
        }
        Path models = temp.resolve("models");
        ModelDirectorySink sink = new ModelDirectorySink(config, models.toString());
        sink.open(null);
        sink.invoke(snapshot, null);
        Path images = writeImages(temp.resolve("images"), noiseImages(12, new Random(99)));

        Map<String, JsonNode> java = lines(PipelineTestSupport.runCommand("embed", "--model-dir", models.toString(), images.toString()));
        Map<String, JsonNode> python = lines(pytorch("--model-dir", models.toString(), images.toString()));
        double diff = compare(java, python, 5);
        assertTrue(java.values().stream().allMatch(line -> line.has("nearest_class_name")), java.toString());
        System.out.printf(Locale.ROOT, "%s (%s): max |Java - PyTorch| over 12 images x %d = %.3g%n",
                architecture.cliName(), network.describe(), network.embeddingSize(), diff);
        assertTrue(diff <= TOLERANCE, architecture.cliName() + ": PyTorch's embeddings differ from Java's by " + diff);
    }

    /**
     * The test: the streaming job (embedded broker, Flink MiniCluster, exactly-once sinks) publishes a
     * version to the models topic and to a model directory; {@code embed} reads it from the topic with
     * ModelSubscriber, PyTorch from the directory, and both embed the same 32 images.
     */
    @Test
    void pythonResizesByteForByteAsTheResampler() throws Exception {
        // The area average's sums must run in Java's order: summed otherwise, a mean lying on a half rounds the
        // other way now and then (two pixels of a 32x24 -> 28x20 image did), and the embeddings drift apart.
        java.util.Random random = new java.util.Random(7);
        StringBuilder cases = new StringBuilder();
        List<byte[]> expected = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int w = 5 + random.nextInt(155);
            int h = 5 + random.nextInt(155);
            int dw = 4 + random.nextInt(60);
            int dh = 4 + random.nextInt(60);
            int ch = random.nextBoolean() ? 1 : 3;
            byte[] src = new byte[w * h * ch];
            random.nextBytes(src);
            Path in = temp.resolve("resize-" + i + ".bin");
            Files.write(in, src);
            expected.add(io.embedstream.types.Resampler.resize(src, w, h, ch, dw, dh));
            cases.append(String.join(" ", String.valueOf(w), String.valueOf(h), String.valueOf(ch),
                    String.valueOf(dw), String.valueOf(dh), in.toString())).append('\n');
        }
        Path list = temp.resolve("resize-cases.txt");
        Files.writeString(list, cases);
        String script = "import sys, numpy as np\n"
                + "from embedstream_torch import images\n"
                + "for line in open(sys.argv[1]):\n"
                + "    w, h, c, dw, dh, path = line.split()\n"
                + "    src = np.fromfile(path, dtype=np.uint8).reshape(int(h), int(w), int(c))\n"
                + "    images.resize(src, int(dh), int(dw)).tofile(path + '.out')\n";
        CommandOutput python = run(List.of(DebianPyTorch.python().toString(), "-c", script, list.toString()));
        assertEquals(0, python.exitCode(), python.err());
        int differing = 0;
        for (int i = 0; i < expected.size(); i++) {
            byte[] got = Files.readAllBytes(temp.resolve("resize-" + i + ".bin.out"));
            differing += java.util.Arrays.equals(expected.get(i), got) ? 0 : 1;
        }
        System.out.printf("resize: %d of %d random sizes differ between Java and Python%n", differing, expected.size());
        assertEquals(0, differing, "Python's resize must give Java's bytes");
    }

    @Test
    void aVersionTheJobPublishedEmbedsInPyTorchAsWithEmbed() throws Exception {
        jobPublishesAVersionThatEmbedsInPyTorchAsWithEmbed(null);
    }

    /**
     * The same with a TorchScript backbone (the model module's fixture, 32 features) and a head to 16: the published
     * parameters.bin is the whole network as one TorchScript archive, which Debian's torch 1.13 reads with
     * torch.jit.load although the job's libtorch 2.7.1 wrote it.
     */
    @Test
    void aTorchScriptVersionTheJobPublishedLoadsWithTorchJitLoadAsWithEmbed() throws Exception {
        jobPublishesAVersionThatEmbedsInPyTorchAsWithEmbed(TrainerConfig.builder()
                .network(NetworkConfig.builder().architecture("torchscript:" + TorchScriptFixtures.tinyBackbone())
                        .embeddingSize(16).build())
                .optimizer(io.embedstream.model.train.OptimizerConfig.adamw(1e-4f))
                .learningRate(0.003f).backboneLearningRateScale(0.5f).device("cpu").build());
    }

    /** @param trainer the job's trainer, or null for {@link PipelineTestSupport#smallJob}'s */
    private void jobPublishesAVersionThatEmbedsInPyTorchAsWithEmbed(TrainerConfig trainer) throws Exception {
        Path directory = temp.resolve("published");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            String bootstrap = broker.bootstrapServers();
            PipelineConfig small = PipelineTestSupport.smallJob(bootstrap, temp.resolve("checkpoints"), 4);
            if (trainer != null) {
                small = new PipelineConfig(small.kafka(), trainer, small.batcher(), small.publish(), small.metrics(),
                        small.runtime());
            }
            PipelineConfig config = small.withPublish(new PublishConfig(4, 0, true, directory.toString()));
            broker.createTopics(config.kafka().imagesTopic(), config.kafka().deadLetterTopic(),
                    config.kafka().modelsTopic(), config.kafka().metricsTopic());
            PipelineTestSupport.produce(bootstrap, config, SyntheticShapes.builder().seed(21).build().generate(800));

            JobClient job = startWithoutRestarts(config);
            PublishedModel published;
            try {
                List<PublishedModel> onTopic = new ArrayList<>();
                await(job, "a version committed to the models topic and written to the model directory",
                        Duration.ofMinutes(5), () -> {
                            onTopic.clear();
                            ModelAssembler assembler = ModelAssembler.builder().build();
                            for (ConsumerRecord<byte[], byte[]> r
                                    : readAll(bootstrap, config.kafka().modelsTopic(), Duration.ofSeconds(1))) {
                                if (assembler.accept(r) instanceof AssemblyResult.Completed c) {
                                    onTopic.add(c.model());
                                }
                            }
                            return !onTopic.isEmpty() && Files.isRegularFile(directory.resolve(
                                    "v" + onTopic.get(0).manifest().version()).resolve("parameters.bin"));
                        });
                published = onTopic.get(0);
            } finally {
                job.cancel().get();
            }
            long version = published.manifest().version();
            JsonNode onDisk = JSON.readTree(directory.resolve("v" + version).resolve("manifest.json").toFile());
            assertEquals(published.manifest().parameterSha256(), onDisk.get("parameterSha256").asText(),
                    "the directory holds the version that the topic holds");

            List<LabeledImage> shapes = SyntheticShapes.builder().seed(1234).build().generate(32);
            List<LabeledImage> images = new ArrayList<>();
            for (int i = 0; i < shapes.size(); i++) {
                // Half as the network's 28x28 grey input, half as larger RGB photos that both sides must convert.
                images.add(i % 2 == 0 ? shapes.get(i) : enlargedRgb(shapes.get(i), 45, 37));
            }
            Path folder = writeImages(temp.resolve("images"), images);
            Map<String, JsonNode> java = lines(PipelineTestSupport.runCommand("embed", "--bootstrap", bootstrap, "--topic",
                    config.kafka().modelsTopic(), "--version", Long.toString(version), "--wait", "60",
                    folder.toString()));
            Map<String, JsonNode> python = lines(pytorch("--model-dir", directory.toString(), "--version",
                    Long.toString(version), folder.toString()));
            assertEquals(32, java.size());
            double diff = compare(java, python, version);
            System.out.printf(Locale.ROOT, "version %d published by the job (%s, step %d): max |embed - PyTorch| over"
                    + " 32 images x %d = %.3g%n", version, published.manifest().architecture(),
                    published.manifest().trainingStep(), published.manifest().embeddingSize(), diff);
            assertTrue(diff <= TOLERANCE, "PyTorch's embeddings differ from embed's by " + diff);
        }
    }

    /**
     * PNG layouts that ImageIO reads but the project's encoder never writes (palette, RGBA, 16-bit grey), so that the
     * Python decoder's channel policy (palette expanded, alpha dropped, 16 bits scaled) is checked against ImageIO's.
     */
    @Test
    void otherPngLayoutsDecodeInPythonAsImageIODecodesThem() throws Exception {
        NetworkConfig network = NetworkConfig.builder().architecture(Architecture.CM_MNIST_3X3).inputSize(20, 28, 3)
                .embeddingSize(16).build();
        ModelSnapshot snapshot = new ModelSnapshot();
        snapshot.version = 2;
        snapshot.classes = 2;
        snapshot.classWeights = new float[2 * 16];
        try (EmbeddingModel model = EmbeddingModel.create(network, Device.cpu(), 3)) {
            snapshot.parameters = model.parametersToBytes();
        }
        Path models = temp.resolve("models");
        ModelDirectorySink sink = new ModelDirectorySink(TrainerConfig.builder().classes(2).network(network).build(),
                models.toString());
        sink.open(null);
        sink.invoke(snapshot, null);
        Path folder = Files.createDirectories(temp.resolve("layouts"));
        Random random = new Random(5);
        int[] types = {BufferedImage.TYPE_BYTE_INDEXED, BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_USHORT_GRAY,
                BufferedImage.TYPE_INT_RGB};
        for (int t = 0; t < types.length; t++) {
            BufferedImage image = new BufferedImage(31, 23, types[t]);
            WritableRaster raster = image.getRaster();
            int max = (1 << image.getColorModel().getComponentSize(0)) - 1;
            for (int y = 0; y < 23; y++) {
                for (int x = 0; x < 31; x++) {
                    for (int b = 0; b < raster.getNumBands(); b++) {
                        raster.setSample(x, y, b, random.nextInt(max + 1));
                    }
                }
            }
            assertTrue(ImageIO.write(image, "png", folder.resolve("layout-" + t + ".png").toFile()));
        }
        Map<String, JsonNode> java = lines(PipelineTestSupport.runCommand("embed", "--model-dir", models.toString(), folder.toString()));
        Map<String, JsonNode> python = lines(pytorch("--model-dir", models.toString(), folder.toString()));
        double diff = compare(java, python, 2);
        System.out.printf(Locale.ROOT, "palette, RGBA, 16-bit grey and RGB PNGs: max |Java - PyTorch| = %.3g%n", diff);
        assertTrue(diff <= TOLERANCE, "PyTorch's embeddings differ from Java's by " + diff);
    }

    /**
     * A version of 10,000 named classes, whose class table (rows and names) is {@code class_table.bin}: PyTorch reads
     * it with numpy and names the same nearest class as {@code embed} for each image, four of them planted at the
     * directions of four images' embeddings so that the answer is known, the others noise images.
     */
    @Test
    void aVersionOfTenThousandNamedClassesNamesTheSameNearestClassInPyTorch() throws Exception {
        int classes = 10_000;
        int[] planted = {0, 2_500, 7_777, classes - 1};
        TrainerConfig config = TrainerConfig.builder().classes(10).build();
        int d = config.network().embeddingSize();
        List<LabeledImage> shapes = SyntheticShapes.builder().seed(11).build().generate(planted.length);
        ModelSnapshot snapshot = new ModelSnapshot();
        snapshot.version = 4;
        snapshot.step = 40;
        snapshot.timestampMillis = System.currentTimeMillis();
        snapshot.classes = classes;
        snapshot.classNames = new String[classes];
        Random random = new Random(8);
        snapshot.classWeights = new float[classes * d];
        for (int i = 0; i < snapshot.classWeights.length; i++) {
            snapshot.classWeights[i] = (float) random.nextGaussian();
        }
        for (int c = 0; c < classes; c++) {
            snapshot.classNames[c] = "id-" + c;
        }
        try (EmbeddingModel model = EmbeddingModel.create(config.network(), Device.cpu(), 7)) {
            snapshot.parameters = model.parametersToBytes();
            float[][] embeddings = model.embed(shapes, planted.length);
            for (int i = 0; i < planted.length; i++) {
                System.arraycopy(embeddings[i], 0, snapshot.classWeights, planted[i] * d, d);
            }
        }
        Path models = temp.resolve("models");
        ModelDirectorySink sink = new ModelDirectorySink(config, models.toString());
        sink.open(null);
        sink.invoke(snapshot, null);
        List<LabeledImage> images = new ArrayList<>(shapes);
        images.addAll(noiseImages(4, new Random(12)));
        Path folder = writeImages(temp.resolve("images"), images);

        Map<String, JsonNode> java = lines(PipelineTestSupport.runCommand("embed", "--model-dir", models.toString(), folder.toString()));
        Map<String, JsonNode> python = lines(pytorch("--model-dir", models.toString(), folder.toString()));
        double diff = compare(java, python, 4); // the same nearest class and name for every image
        for (int i = 0; i < planted.length; i++) {
            JsonNode line = python.get(String.format(Locale.ROOT, "%02d.png", i));
            assertEquals("id-" + planted[i], line.get("nearest_class_name").asText(), line.toString());
        }
        assertTrue(python.values().stream().allMatch(line -> line.has("nearest_class_name")), python.toString());
        System.out.printf(Locale.ROOT, "10,000 named classes: the same nearest class in Java and PyTorch for %d images,"
                + " max |Java - PyTorch| = %.3g%n", images.size(), diff);
        assertTrue(diff <= TOLERANCE, "PyTorch's embeddings differ from Java's by " + diff);

        // A class table modified after publication is refused by both, in one line.
        Path table = models.resolve("v4/class_table.bin");
        byte[] bytes = Files.readAllBytes(table);
        bytes[bytes.length / 2] ^= 1;
        Files.write(table, bytes);
        CommandOutput tampered = pytorch("--model-dir", models.toString(), folder.toString());
        assertEquals(2, tampered.exitCode(), tampered.err());
        assertEquals("error: " + table + " does not match the manifest's classTable sha256 (modified or from another"
                + " version)", tampered.err().strip());
        CommandOutput refused = PipelineTestSupport.runCommand("embed", "--model-dir", models.toString(), "--wait", "1",
                folder.toString());
        assertEquals(2, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains("class table sha256 mismatch"), refused.err());
    }

    @Test
    void pytorchRefusesWhatIsNotAPublishedVersionInOneLine() throws Exception {
        Path notAVersion = Files.createDirectories(temp.resolve("models/v3"));
        Files.writeString(notAVersion.resolve("manifest.json"), "{\"format\":1,\"version\":3,\"architecture\":"
                + "\"vgg\",\"input\":{\"width\":28,\"height\":28,\"channels\":1},\"embeddingSize\":8}");
        Path image = writeImages(temp.resolve("images"), noiseImages(1, new Random(1)));
        CommandOutput unknown = run(pytorchCommand("--model-dir", temp.resolve("models").toString(), image.toString()));
        assertEquals(2, unknown.exitCode(), unknown.err());
        assertEquals("error: version 3: unknown architecture 'vgg'; expected one of ['cm-mnist', 'cm-mnist-3x3',"
                + " 'resnet']", unknown.err().strip());

        Files.writeString(notAVersion.resolve("manifest.json"), "{\"format\":1,\"version\":3,\"architecture\":"
                + "\"cm-mnist\",\"input\":{\"width\":28,\"height\":28,\"channels\":1},\"embeddingSize\":8}");
        Files.write(notAVersion.resolve("parameters.bin"), "not parameters".getBytes(StandardCharsets.UTF_8));
        CommandOutput garbage = run(pytorchCommand("--model-dir", temp.resolve("models").toString(), image.toString()));
        assertEquals(2, garbage.exitCode(), garbage.err());
        assertTrue(garbage.err().strip().startsWith("error: parameters start with a tensor count of")
                && garbage.err().strip().endsWith("not a parameters.bin") && garbage.err().strip().lines().count() == 1,
                garbage.err());

        CommandOutput empty = run(pytorchCommand("--model-dir", temp.resolve("images").toString(), image.toString()));
        assertEquals(2, empty.exitCode(), empty.err());
        assertTrue(empty.err().strip().startsWith("error: ") && empty.err().contains("holds no published version"),
                empty.err());
    }

    /** Moves batch-norm statistics and affine terms and PReLU slopes off their initial values, deterministically. */
    private static void perturb(EmbeddingModel model, Random random) {
        for (NamedArray named : model.allParameters()) {
            String name = named.name();
            int size = Math.toIntExact(named.array().getShape().size());
            float[] values = new float[size];
            for (int i = 0; i < size; i++) {
                double u = random.nextDouble();
                values[i] = (float) (name.endsWith("_runningVar") ? 0.5 + 1.5 * u
                        : name.endsWith("_gamma") ? 0.6 + 0.8 * u
                        : name.endsWith("_runningMean") || name.endsWith("_beta") ? 0.4 * (u - 0.5)
                        : name.endsWith("_alpha") ? 0.05 + 0.5 * u : Float.NaN);
            }
            if (!Float.isNaN(values[0])) {
                named.array().set(values);
            }
        }
    }

    /** Random images of assorted sizes and channel counts: some at the input size, others to convert and resize. */
    private static List<LabeledImage> noiseImages(int count, Random random) {
        int[][] shapes = {{28, 20, 1}, {28, 20, 3}, {36, 24, 3}, {36, 24, 1}, {53, 41, 3}, {13, 11, 1}, {9, 30, 3}};
        List<LabeledImage> images = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int[] s = shapes[i % shapes.length];
            byte[] pixels = new byte[s[0] * s[1] * s[2]];
            random.nextBytes(pixels);
            images.add(new LabeledImage("noise-" + i, 0, s[0], s[1], s[2], pixels));
        }
        return images;
    }

    private static LabeledImage enlargedRgb(LabeledImage image, int width, int height) {
        PixelBuffer rgb = PixelConversions.resize(PixelConversions.toChannels(
                new PixelBuffer(image.width(), image.height(), image.channels(), image.pixels()), 3), width, height);
        return new LabeledImage(image.id(), image.label(), width, height, 3, rgb.data());
    }

    private static Path writeImages(Path folder, List<LabeledImage> images) throws IOException {
        Files.createDirectories(folder);
        for (int i = 0; i < images.size(); i++) {
            Files.write(folder.resolve(String.format(Locale.ROOT, "%02d.png", i)),
                    ImageRecordEncoder.png().encode(images.get(i)).value());
        }
        return folder;
    }

    /** The largest absolute difference over every component, after checking both sides embedded the same files. */
    private static double compare(Map<String, JsonNode> java, Map<String, JsonNode> python, long version) {
        assertEquals(java.keySet(), python.keySet(), "both sides embedded the same files");
        double max = 0;
        double largest = 0;
        for (Map.Entry<String, JsonNode> entry : java.entrySet()) {
            JsonNode j = entry.getValue();
            JsonNode p = python.get(entry.getKey());
            assertEquals(version, j.get("version").asLong());
            assertEquals(version, p.get("version").asLong());
            assertEquals(j.get("embedding").size(), p.get("embedding").size(), entry.getKey());
            for (int i = 0; i < j.get("embedding").size(); i++) {
                double a = j.get("embedding").get(i).asDouble();
                max = Math.max(max, Math.abs(a - p.get("embedding").get(i).asDouble()));
                largest = Math.max(largest, Math.abs(a));
            }
            if (j.has("nearest_class")) {
                assertEquals(j.get("nearest_class").asInt(), p.get("nearest_class").asInt(), entry.getKey());
            }
            assertEquals(j.has("nearest_class_name"), p.has("nearest_class_name"), entry.getKey());
            if (j.has("nearest_class_name")) {
                assertEquals(j.get("nearest_class_name").asText(), p.get("nearest_class_name").asText(),
                        entry.getKey());
                assertTrue(j.get("nearest_class").asInt() != 1, "an unnamed class is never the answer");
            }
        }
        // A network that outputs (near) zero for everything would match anything.
        assertTrue(largest > 0.05, "embeddings too small to compare: largest component " + largest);
        return max;
    }

    /** JSON lines keyed by file name. */
    private static Map<String, JsonNode> lines(CommandOutput result) throws IOException {
        assertEquals(0, result.exitCode(), result.err());
        assertFalse(result.out().isBlank(), "no output; stderr: " + result.err());
        Map<String, JsonNode> byFile = new LinkedHashMap<>();
        for (String line : result.out().lines().toList()) {
            JsonNode node = JSON.readTree(line);
            byFile.put(Path.of(node.get("file").asText()).getFileName().toString(), node);
        }
        return byFile;
    }

    private CommandOutput pytorch(String... args) throws Exception {
        return run(pytorchCommand(args));
    }

    private static List<String> pytorchCommand(String... args) {
        List<String> command = new ArrayList<>(List.of(DebianPyTorch.python().toString(), "-m",
                "embedstream_torch.embed"));
        command.addAll(List.of(args));
        return command;
    }

    private CommandOutput run(List<String> command) throws Exception {
        Path out = Files.createTempFile(temp, "stdout", ".txt");
        Path err = Files.createTempFile(temp, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("PYTHONPATH", DebianPyTorch.pythonDir().toString());
        // One thread, as a CI machine shared with other builds gives; the figure does not depend on it.
        builder.environment().put("OMP_NUM_THREADS", "1");
        Process process = builder.start();
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("PyTorch did not finish within 180 s: " + command);
        }
        return new CommandOutput(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}

package scratch;

import io.embedstream.model.data.SyntheticShapes;
import io.embedstream.model.eval.KnnEvaluator;
import io.embedstream.model.train.EmbeddingTrainer;
import io.embedstream.model.train.FitLoop;
import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.cli.TrainingOptions;
import io.embedstream.types.LabeledImage;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A burst of wrong labels at the model level, with a trainer made by the command line's options (-Dsc.args). */
class RecoveryCliScratchTest {
    @Test
    void recovery() {
        String args = System.getProperty("sc.args", "").trim();
        long seed = Long.parseLong(System.getProperty("sc.seed", "11"));
        TrainingOptions options = new TrainingOptions();
        new CommandLine(options).parseArgs(args.isEmpty() ? new String[0] : args.split(" +"));
        List<LabeledImage> train = SyntheticShapes.builder().seed(seed).build().generate(6000);
        List<LabeledImage> test = SyntheticShapes.builder().seed(2).build().generate(500);
        SplittableRandom random = new SplittableRandom(3);
        List<LabeledImage> shuffled = new ArrayList<>();
        for (LabeledImage image : SyntheticShapes.builder().seed(100).build().generate(640)) {
            shuffled.add(new LabeledImage("s-" + image.id(), random.nextInt(10), image.width(), image.height(),
                    image.channels(), image.pixels()));
        }
        TrainerConfig config = options.trainerConfig(28, 28, 1, 10, 85);
        StringBuilder line = new StringBuilder("RESULT [" + args + "] seed " + seed + ":");
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config)) {
            FitLoop fit = new FitLoop(trainer, 64);
            line.append(String.format(" %.3f", accuracy(trainer, train, test)));
            int offset = 0;
            for (int i = 0; i < 6; i++) {
                fit.run(train.subList(offset, offset + 320), null, 1, 5, null);
                offset += 320;
                line.append(String.format(" %.3f", accuracy(trainer, train, test)));
            }
            fit.run(shuffled, null, 1, 5, null);
            line.append(String.format(" | %.3f |", accuracy(trainer, train, test)));
            for (int i = 0; i < 10; i++) {
                fit.run(train.subList(offset, offset + 320), null, 1, 5, null);
                offset += 320;
                line.append(String.format(" %.3f", accuracy(trainer, train, test)));
            }
        }
        System.out.println(line);
    }

    private static double accuracy(EmbeddingTrainer trainer, List<LabeledImage> train, List<LabeledImage> test) {
        List<LabeledImage> ref = train.subList(0, 1000);
        float[][] reference = trainer.model().embed(ref, 256);
        float[][] queries = trainer.model().embed(test, 256);
        return new KnnEvaluator(reference, ref.stream().mapToInt(LabeledImage::label).toArray())
                .accuracy(queries, test.stream().mapToInt(LabeledImage::label).toArray());
    }
}

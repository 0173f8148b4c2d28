package scratch;

import io.embedstream.types.LabeledImage;
import io.embedstream.model.data.SyntheticShapes;
import io.embedstream.model.eval.KnnEvaluator;
import io.embedstream.model.net.NetworkConfig;
import io.embedstream.model.loss.ObjectiveConfig;
import io.embedstream.model.train.*;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RecoveryScratchTest {
    @Test
    void recovery() {
        float lr = Float.parseFloat(System.getProperty("sc.lr", "0.01"));
        List<LabeledImage> train = SyntheticShapes.builder().seed(11).build().generate(6000);
        List<LabeledImage> test = SyntheticShapes.builder().seed(2).build().generate(500);
        SplittableRandom random = new SplittableRandom(3);
        List<LabeledImage> shuffled = new ArrayList<>();
        for (LabeledImage image : SyntheticShapes.builder().seed(100).build().generate(640)) {
            shuffled.add(new LabeledImage("s-" + image.id(), random.nextInt(10), image.width(), image.height(),
                    image.channels(), image.pixels()));
        }
        TrainerConfig config = TrainerConfig.builder()
                .network(NetworkConfig.builder().embeddingSize(32).build())
                .objective(objective())
                .learningRate(lr).device("cpu").build();
        try (EmbeddingTrainer trainer = EmbeddingTrainer.create(config)) {
            FitLoop fit = new FitLoop(trainer, 64);
            System.out.printf("lr %s step 0 acc %.3f%n", lr, accuracy(trainer, train, test));
            int offset = 0;
            for (int i = 0; i < 6; i++) {
                fit.run(train.subList(offset, offset + 320), null, 1, 5, null); offset += 320;
                System.out.printf("clean step %d acc %.3f%n", trainer.step(), accuracy(trainer, train, test));
            }
            fit.run(shuffled, null, 1, 5, null);
            System.out.printf("SHUFFLED step %d acc %.3f%n", trainer.step(), accuracy(trainer, train, test));
            for (int i = 0; i < 10; i++) {
                fit.run(train.subList(offset, offset + 320), null, 1, 5, null); offset += 320;
                System.out.printf("clean step %d acc %.3f%n", trainer.step(), accuracy(trainer, train, test));
            }
        }
    }

    private static ObjectiveConfig objective() {
        String o = System.getProperty("sc.obj", "default");
        System.out.println("objective " + o);
        return switch (o) {
            case "noldmat" -> ObjectiveConfig.builder().ldmatWeight(0).build();
            case "noac" -> ObjectiveConfig.builder().antiCollapseProxiesWeight(0).build();
            case "cmonly" -> ObjectiveConfig.builder().ldmatWeight(0).antiCollapseProxiesWeight(0).build();
            case "plain" -> ObjectiveConfig.plainSoftmax();
            default -> ObjectiveConfig.defaults();
        };
    }

    private static double accuracy(EmbeddingTrainer trainer, List<LabeledImage> train, List<LabeledImage> test) {
        List<LabeledImage> ref = train.subList(0, 1000);
        float[][] reference = trainer.model().embed(ref, 256);
        float[][] queries = trainer.model().embed(test, 256);
        return new KnnEvaluator(reference, ref.stream().mapToInt(LabeledImage::label).toArray())
                .accuracy(queries, test.stream().mapToInt(LabeledImage::label).toArray());
    }
}

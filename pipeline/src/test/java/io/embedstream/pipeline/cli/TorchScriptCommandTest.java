package io.embedstream.pipeline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.model.testing.TorchScriptFixtures;
import io.embedstream.pipeline.PipelineTestSupport;
import io.embedstream.pipeline.PipelineTestSupport.CommandOutput;
import org.junit.jupiter.api.Test;

/**
 * A TorchScript backbone that cannot serve stops {@code fit}, {@code demo} and {@code train} when they start, with one
 * sentence naming the problem (exit status 2), before any data, broker or job exists.
 */
class TorchScriptCommandTest {

    @Test
    void fitRefusesABackboneOfWrongOutputRank() {
        CommandOutput run = PipelineTestSupport.runCommand("fit", "--dataset", "synthetic:100:10", "--arch",
                "torchscript:" + TorchScriptFixtures.convOnly(), "--epochs", "1");
        assertOneSentence(run, "conv_only", "returns a float32 tensor of shape (2, 32, 7, 7)");
    }

    @Test
    void demoRefusesAFileThatIsNotTorchScript() {
        CommandOutput run = PipelineTestSupport.runCommand("demo", "--dataset", "synthetic:100:10", "--arch",
                "torchscript:" + TorchScriptFixtures.notTorchScript());
        assertOneSentence(run, "not_torchscript", "is not a TorchScript module");
    }

    @Test
    void trainRefusesABackboneThatDoesNotAcceptTheInputBeforeContactingKafka() {
        CommandOutput run = PipelineTestSupport.runCommand("train", "--bootstrap", "localhost:1", "--input", "28x28x3",
                "--arch", "torchscript:" + TorchScriptFixtures.tinyBackbone());
        assertOneSentence(run, "does not accept the configured input (2, 3, 28, 28)");
    }

    @Test
    void trainRefusesAMissingBackboneFile() {
        CommandOutput run = PipelineTestSupport.runCommand("train", "--bootstrap", "localhost:1",
                "--arch", "torchscript:file:///no/such/backbone.pt");
        assertOneSentence(run, "cannot read backbone file file:///no/such/backbone.pt");
    }

    /** The fixture may be a copy out of the test jar with a name of its own, so the file is matched by its stem. */
    private static void assertOneSentence(CommandOutput run, String... expected) {
        assertEquals(2, run.exitCode(), run.err());
        String err = run.err().strip();
        assertTrue(err.startsWith("error: "), err);
        for (String fragment : expected) {
            assertTrue(err.contains(fragment), fragment + " not in: " + err);
        }
        assertEquals(1, err.lines().count(), err);
    }
}

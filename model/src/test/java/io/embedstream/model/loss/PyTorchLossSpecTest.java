package io.embedstream.model.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.embedstream.model.testing.PythonScripts;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The PyTorch port of the objective (python/embedstream_torch/losses.py) reproduces every reference value and
 * gradient of the loss spec: runs python/tests/test_losses.py with Debian's PyTorch.
 */
class PyTorchLossSpecTest {
    /** As many tests as test_losses.py holds today: fewer would mean some were lost or not collected. */
    private static final int EXPECTED_TESTS = 19;

    @Test
    void pythonLossTestsPass() throws Exception {
        PythonScripts.Result result = PythonScripts.run(300, "-m", "unittest", "discover", "-s", "tests",
                "-p", "test_losses.py", "-v");
        System.out.println(result.output());
        assertEquals(0, result.exitCode(), result.output());
        Matcher ran = Pattern.compile("Ran (\\d+) tests?").matcher(result.output());
        assertTrue(ran.find(), result.output());
        assertTrue(Integer.parseInt(ran.group(1)) >= EXPECTED_TESTS, "only " + ran.group(1) + " Python tests ran");
        assertTrue(!result.output().contains("skipped"), "a Python loss test was skipped:\n" + result.output());
    }
}

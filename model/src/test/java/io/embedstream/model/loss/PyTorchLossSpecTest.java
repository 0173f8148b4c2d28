package io.embedstream.model.loss;

import io.embedstream.model.testing.PythonScripts;
import org.junit.jupiter.api.Test;

/**
 * The PyTorch port of the objective (python/embedstream_torch/losses.py) reproduces every reference value and
 * gradient of the loss spec: runs python/tests/test_losses.py with Debian's PyTorch.
 */
class PyTorchLossSpecTest {
    @Test
    void pythonLossTestsPass() throws Exception {
        PythonScripts.assertUnittestsPass("test_losses.py", 19);
    }
}

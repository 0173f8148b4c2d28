package io.embedstream.model.train;

import io.embedstream.model.testing.PythonScripts;
import org.junit.jupiter.api.Test;

/**
 * The PyTorch reference loop's own tests (python/tests/test_reference_loop.py) pass with Debian's PyTorch: it
 * lowers the objective on a small synthetic set, draws FitLoop's batches, and its parts follow the Java rules.
 */
class ReferenceLoopPythonTest {
    @Test
    void pythonReferenceLoopTestsPass() throws Exception {
        PythonScripts.assertUnittestsPass("test_reference_loop.py", 20);
    }
}

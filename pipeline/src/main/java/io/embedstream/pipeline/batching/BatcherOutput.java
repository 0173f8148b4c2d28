package io.embedstream.pipeline.batching;

import io.embedstream.pipeline.types.MiniBatch;
import io.embedstream.pipeline.types.ScoredImage;

/** Where a {@link BatchAssembler} hands what it produces: batches, and the images it had to drop unbatched. */
public interface BatcherOutput {
    void batch(MiniBatch batch) throws Exception;

    void dropped(ScoredImage image) throws Exception;
}

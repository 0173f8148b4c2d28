package io.embedstream.pipeline.cli;

import io.embedstream.model.data.DatasetSpec;
import io.embedstream.model.data.LabeledDataset;
import io.embedstream.types.LabeledImage;
import java.io.IOException;
import java.util.List;

/**
 * Dataset specs of the command line: those of {@link DatasetSpec} ({@code synthetic...}, {@code idx:DIR},
 * {@code photos...}), plus {@link FolderSpec} ({@code folder:DIR,...}), which needs the pipeline's decoder.
 */
public final class Datasets {
    /** For option descriptions. */
    public static final String FORMS = "synthetic[:TRAIN:TEST[:SEED]], idx:DIR,"
            + " photos[:classes=N,size=N|WxH,train=N,test=N,seed=N] or"
            + " folder:DIR[,size=N|WxH,channels=1|3,test=SHARE,fit=stretch|crop] (one sub-folder per label)";

    private Datasets() {}

    /** The train split: what {@code produce} and the demo stream. */
    public static List<LabeledImage> trainImages(String spec) throws IOException {
        return load(spec).train();
    }

    /** Loads any command-line dataset; a folder's label mapping and split sizes are printed to stderr. */
    public static LabeledDataset load(String spec) throws IOException {
        if (FolderSpec.matches(spec)) {
            FolderDataset folder = FolderDataset.load(FolderSpec.parse(spec));
            System.err.println(folder.summary());
            return folder.data();
        }
        return DatasetSpec.load(spec);
    }
}

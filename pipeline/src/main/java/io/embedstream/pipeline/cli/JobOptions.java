package io.embedstream.pipeline.cli;

import io.embedstream.model.train.TrainerConfig;
import io.embedstream.pipeline.config.PipelineConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine.Option;

/** The streaming job's settings: a properties file and {@code --set key=value} overrides (README, "Configuration"). */
public final class JobOptions {

    @Option(names = "--config", description = "Properties file with job settings (README lists the keys).")
    public Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one setting, e.g. --set batcher.samples-per-class=8 (repeatable).")
    public List<String> overrides = new ArrayList<>();

    @Option(names = "--holdout-share", description = "Share of labeled images held out of training for the promotion gate (holdout.share; default 0.02, 0 = none and every version promoted).")
    public Double holdoutShare;

    public Properties properties() throws IOException {
        Properties p = PipelineConfig.load(configFile);
        if (holdoutShare != null) {
            p.setProperty("holdout.share", Double.toString(holdoutShare));
        }
        for (String override : overrides) {
            int eq = override.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--set expects KEY=VALUE, got '" + override + "'");
            }
            p.setProperty(override.substring(0, eq).trim(), override.substring(eq + 1).trim());
        }
        return p;
    }

    public PipelineConfig pipelineConfig(TrainerConfig trainer, Properties defaults) throws IOException {
        Properties merged = new Properties();
        merged.putAll(defaults);
        merged.putAll(properties());
        return PipelineConfig.fromProperties(merged, trainer);
    }
}

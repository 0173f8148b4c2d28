package io.embedstream.pipeline.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident set size of this process (Linux /proc), which includes native memory that the JVM heap does not. */
final class ProcessMemory {
    private ProcessMemory() {}

    /** JVM heap in use, in MiB (after no forced collection: an upper bound of live data). */
    static double heapUsedMiB() {
        Runtime r = Runtime.getRuntime();
        return (r.totalMemory() - r.freeMemory()) / (1024.0 * 1024.0);
    }

    /** Resident memory in MiB, or -1 where /proc is not available. */
    static double residentMiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}

package io.embedstream.model.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/** Parses device names; the training code is the same on every device. */
public final class Devices {
    private Devices() {}

    /**
     * Checks a device name's form without loading the engine, for configuration that is validated before any
     * native library is loaded; {@link #parse} later checks that the GPU exists.
     *
     * @param setting the configuration key or option the name came from, for the message
     * @throws IllegalArgumentException naming the setting when the name is none of auto, cpu, gpu, gpu:N
     */
    public static void requireKnown(String setting, String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (!(n.equals("auto") || n.equals("cpu") || n.equals("gpu") || n.matches("gpu:[0-9]{1,4}"))) {
            throw new IllegalArgumentException(setting + " is '" + name
                    + "', not a device; expected auto, cpu, gpu or gpu:N");
        }
    }

    /**
     * {@code auto} (a GPU when the engine sees one, else the CPU), {@code cpu}, {@code gpu} or {@code gpu:N}.
     */
    public static Device parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("auto")) {
            return Engine.getInstance().defaultDevice();
        }
        if (n.equals("cpu")) {
            return Device.cpu();
        }
        if (n.equals("gpu") || n.startsWith("gpu:")) {
            int index = n.equals("gpu") ? 0 : Integer.parseInt(n.substring(4));
            int available = Engine.getInstance().getGpuCount();
            if (index >= available) {
                throw new IllegalArgumentException("device " + name + " requested but the engine sees " + available
                        + " GPU(s); build with -Pcuda on a machine with CUDA, or use --device cpu");
            }
            return Device.gpu(index);
        }
        throw new IllegalArgumentException("unknown device '" + name + "'; expected auto, cpu, gpu or gpu:N");
    }
}

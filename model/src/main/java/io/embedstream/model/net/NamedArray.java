package io.embedstream.model.net;

import ai.djl.ndarray.NDArray;

/** A parameter or state tensor with the stable name it is saved under. */
public record NamedArray(String name, NDArray array) {}

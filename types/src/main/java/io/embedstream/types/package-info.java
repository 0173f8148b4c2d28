/**
 * Value types that the model and the connectors share, in plain Java so that neither pulls the other's libraries:
 * {@link io.embedstream.types.LabeledImage} and the project's one image {@link io.embedstream.types.Resampler}.
 */
package io.embedstream.types;

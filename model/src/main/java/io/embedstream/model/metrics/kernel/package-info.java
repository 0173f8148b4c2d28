/**
 * The RBF kernel arithmetic shared by the two MMD tests, {@link io.embedstream.model.metrics.DataDriftTest}
 * (per-window permutation test) and {@link io.embedstream.model.metrics.drift.ErtMmdDetector} (sequential
 * detector): squared distances in 4 x 4 register tiles, the median heuristic and the kernel itself.
 *
 * <p>Public only because those two live in different packages; it is a building block of theirs, not an API
 * of its own. It depends on no other package of the project (both of its users depend on it), which keeps
 * the package graph free of cycles.
 */
package io.embedstream.model.metrics.kernel;

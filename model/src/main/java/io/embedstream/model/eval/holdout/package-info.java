/**
 * The stream's own evaluation set: which labeled images are kept out of training ({@link
 * io.embedstream.model.eval.holdout.HoldoutSplit}) and the bounded, class-balanced set they are kept in ({@link
 * io.embedstream.model.eval.holdout.HeldOutSet}), so that every candidate version can be judged on images from the
 * same stream that no version was trained on.
 */
package io.embedstream.model.eval.holdout;

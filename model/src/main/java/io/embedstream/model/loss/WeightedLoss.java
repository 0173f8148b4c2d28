package io.embedstream.model.loss;

/** A loss term and its weight in the objective. */
public record WeightedLoss(float weight, EmbeddingLoss loss) {}

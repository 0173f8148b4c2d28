/**
 * Randomness whose whole state can be checkpointed, used by initialisation, augmentation and sampling alike, so a
 * restored job draws the same numbers it would have drawn.
 */
package io.embedstream.model.random;

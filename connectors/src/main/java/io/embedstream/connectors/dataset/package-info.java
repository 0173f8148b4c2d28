/** Sending labeled image datasets to the image input topic. */
package io.embedstream.connectors.dataset;

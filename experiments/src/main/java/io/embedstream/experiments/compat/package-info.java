/**
 * Index compatibility between versions (issue 17): how much of a vector index built with an old version stays
 * usable for a new version's queries, as it is and carried forward by fitted linear maps.
 */
package io.embedstream.experiments.compat;

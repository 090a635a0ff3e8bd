/**
 * Bounded, concurrent caches for what the channels work out once per text and reuse.
 */
package dev.agentguard.core.cache;

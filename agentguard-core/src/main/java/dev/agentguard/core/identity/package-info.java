/** Verified agent identities and where channels get them. */
package dev.agentguard.core.identity;

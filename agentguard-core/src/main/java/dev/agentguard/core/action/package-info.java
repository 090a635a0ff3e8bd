/**
 * Actions: what an agent asks a channel to do, in the channel-neutral form that policies
 * decide on and the journal records.
 */
package dev.agentguard.core.action;

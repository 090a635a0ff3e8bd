/**
 * AgentGuard HTTP: a guarded {@code java.net.http.HttpClient}. Not implemented yet; this module
 * fixes its place in the build.
 */
package dev.agentguard.http;

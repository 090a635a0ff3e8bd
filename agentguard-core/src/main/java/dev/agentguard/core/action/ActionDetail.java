package dev.agentguard.core.action;

/**
 * What a channel understood of an action, in the terms its policy rules match on. Each
 * channel contributes one kind of detail; the policy engine matches rules against it.
 */
public sealed interface ActionDetail permits SqlAction, HttpAction, SshAction {
}

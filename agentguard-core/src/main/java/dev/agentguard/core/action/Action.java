package dev.agentguard.core.action;

import dev.agentguard.audit.Channel;

import java.util.Objects;

/**
 * One thing an agent asks to do, as a channel adapter understood it: the input of every
 * policy decision and the source of the journal's intent event.
 *
 * @param channel      JDBC, HTTP or SSH
 * @param resource     what is reached: a data source name, a URL authority, a host
 * @param redactedText the action as the journal shows it, already redacted (SQL with every
 *                     literal and bind value replaced, a URL without secrets, a command)
 * @param detail       what the channel understood of the action, which rules match on
 */
public record Action(Channel channel, String resource, String redactedText, ActionDetail detail) {

    public Action {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(redactedText, "redactedText");
        Objects.requireNonNull(detail, "detail");
    }
}

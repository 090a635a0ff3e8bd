package dev.agentguard.ssh;

import dev.agentguard.audit.Channel;
import dev.agentguard.core.action.Action;
import dev.agentguard.core.action.SftpOperation;
import dev.agentguard.core.action.SshAction;
import dev.agentguard.core.masking.Masker;

/**
 * Builds the {@link Action}s the SSH channel asks the guard about: a command line (parsed by
 * core's shell tokeniser into {@link SshAction}; a line it cannot read is an unreadable action,
 * which every policy denies) or an SFTP operation. The resource is the target's name; the text
 * the journal shows is the line with credentials removed ({@link CommandRedaction}) and detector
 * hits masked.
 */
final class SshActions {

    private SshActions() {
    }

    /**
     * A command line. Relative paths in an exec command start in the target's home directory (when
     * configured); in an interactive shell, where earlier lines may have changed directory, they
     * start nowhere the policy knows.
     */
    static Action command(SshTarget target, Masker masker, String commandLine, boolean interactive) {
        SshAction detail = SshAction.parse(target.host(), target.user(), commandLine, interactive,
                interactive ? null : target.homeDirectory());
        return new Action(Channel.SSH, target.name(), redacted(masker, commandLine), detail);
    }

    /** An SFTP operation on absolute, resolved paths (two for a rename). */
    static Action sftp(SshTarget target, Masker masker, SftpOperation operation, String... paths) {
        SshAction detail = SshAction.sftp(target.host(), target.user(), null, operation, paths);
        StringBuilder text = new StringBuilder("sftp ").append(operation.fileName());
        for (String p : paths) {
            text.append(' ').append(p);
        }
        return new Action(Channel.SSH, target.name(), masker.maskText(text.toString(), null), detail);
    }

    /** {@code commandLine} as the journal, the recording and refusals show it. */
    static String redacted(Masker masker, String commandLine) {
        return masker.maskText(CommandRedaction.redact(commandLine), null);
    }
}

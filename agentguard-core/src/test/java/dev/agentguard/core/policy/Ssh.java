package dev.agentguard.core.policy;

import dev.agentguard.audit.Channel;
import dev.agentguard.core.action.Action;
import dev.agentguard.core.action.SftpOperation;
import dev.agentguard.core.action.SshAction;

/** SSH actions for policy tests: a command line on app1 as deploy, from /home/deploy unless said otherwise. */
final class Ssh {

    static final String HOST = "app1.pci.example.com";

    private Ssh() {
    }

    /** An exec command line on {@link #HOST} as {@code deploy}, from {@code /home/deploy}. */
    static Action line(String text) {
        return line(HOST, "deploy", text, false, "/home/deploy");
    }

    /** A command line from a working directory nobody knows. */
    static Action lineFromUnknownDirectory(String text) {
        return line(HOST, "deploy", text, false, null);
    }

    static Action line(String host, String user, String text, boolean interactive, String directory) {
        SshAction a = SshAction.parse(host, user, text, interactive, directory);
        return new Action(Channel.SSH, a.host(), a.describe(), a);
    }

    static Action sftp(SftpOperation op, String... paths) {
        SshAction a = SshAction.sftp(HOST, "deploy", "/home/deploy", op, paths);
        return new Action(Channel.SSH, a.host(), a.describe(), a);
    }
}

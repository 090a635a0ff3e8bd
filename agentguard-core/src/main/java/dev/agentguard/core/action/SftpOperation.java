package dev.agentguard.core.action;

import java.util.Locale;

/** What an SFTP request does, as a policy distinguishes it. */
public enum SftpOperation {
    /** Lists a directory. */
    LIST,
    /** Reads a file. */
    READ,
    /** Writes a file (creating or replacing it). */
    WRITE,
    /** Removes a file or directory. */
    REMOVE,
    /** Renames a file or directory: two paths, both written. */
    RENAME,
    /** Creates a directory. */
    MKDIR;

    /** Whether the operation changes the file system. */
    public boolean writes() {
        return this != LIST && this != READ;
    }

    /** How many paths the operation names: two for {@link #RENAME}, one otherwise. */
    public int pathCount() {
        return this == RENAME ? 2 : 1;
    }

    /** The spelling a policy file uses: {@code list}, {@code read}, … */
    public String fileName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

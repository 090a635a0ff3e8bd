package dev.agentguard.cli;

/**
 * Bad usage found after parsing, or input the tool cannot use: reported as one line and exit
 * code {@value ExitCodes#USAGE_OR_UNREADABLE_INPUT}.
 */
final class InputException extends Exception {
    InputException(String message) {
        super(message);
    }
}

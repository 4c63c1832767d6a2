package org.agentkanban.gateway;

/**
 * What a worker's exit status means under the worker contract. Pure, so every rule is a unit test.
 */
public final class ExitClassifier {
  public static final int RATE_LIMITED = 75;
  public static final int CONFIGURATION_ERROR = 78;

  private ExitClassifier() {}

  public enum Verdict {
    /** Exit 0 with the run still open: complete (complete_on_exit) or a protocol violation. */
    CLEAN_EXIT,
    RATE_LIMITED,
    CONFIGURATION_ERROR,
    CRASHED
  }

  public static Verdict classify(int exitStatus) {
    return switch (exitStatus) {
      case 0 -> Verdict.CLEAN_EXIT;
      case RATE_LIMITED -> Verdict.RATE_LIMITED;
      case CONFIGURATION_ERROR -> Verdict.CONFIGURATION_ERROR;
      default -> Verdict.CRASHED;
    };
  }

  /** "exited with code 3", or "killed by signal 9 (KILL)" for the shell's 128+n convention. */
  public static String describe(int exitStatus) {
    if (exitStatus > 128 && exitStatus < 128 + 65) {
      int signal = exitStatus - 128;
      return "killed by signal " + signal + signalName(signal);
    }
    return "exited with code " + exitStatus;
  }

  private static String signalName(int signal) {
    return switch (signal) {
      case 1 -> " (HUP)";
      case 2 -> " (INT)";
      case 6 -> " (ABRT)";
      case 9 -> " (KILL)";
      case 11 -> " (SEGV)";
      case 13 -> " (PIPE)";
      case 15 -> " (TERM)";
      default -> "";
    };
  }
}

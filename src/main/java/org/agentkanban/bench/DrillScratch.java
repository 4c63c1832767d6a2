package org.agentkanban.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A crash drill's work directory (homes, side logs, ledgers): removed when the drill found nothing,
 * kept for inspection when it found a violation. Only called once every process of the drill is
 * gone and every connection to its boards closed.
 */
final class DrillScratch {
  private DrillScratch() {}

  static void finish(Path root, boolean clean, PrintStream progress) {
    if (!clean) {
      progress.println("  kept for inspection: " + root);
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      progress.println("  could not remove " + root + ": " + e.getMessage());
    }
  }
}

package org.agentkanban.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** The gateway talks (INFO to stderr); short CLI calls only warn. */
final class GatewayLogging {
  private GatewayLogging() {}

  static void verbose() {
    if (LoggerFactory.getLogger("org.agentkanban") instanceof Logger logger) {
      logger.setLevel(Level.INFO);
    }
  }
}

package org.agentkanban.service;

import org.agentkanban.domain.Run;

/**
 * A successful claim: the task (now running), its new run, and the run token — shown once, to the
 * claimer, and stored only as a hash.
 */
public record Claim(TaskView view, Run run, String runToken) {}

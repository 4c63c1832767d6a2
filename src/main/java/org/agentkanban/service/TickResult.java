package org.agentkanban.service;

import java.util.List;

/** What one maintenance pass did: due scheduled tasks woken, expired manual leases released. */
public record TickResult(List<String> woken, List<String> released) {}

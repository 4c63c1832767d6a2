package org.agentkanban.domain;

/** A dependency: the child waits until the parent is done or archived. */
public record Link(String parentId, String childId, long createdAt) {}

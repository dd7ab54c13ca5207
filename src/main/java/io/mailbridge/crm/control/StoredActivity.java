package io.mailbridge.crm.control;

/** The activity a store call ended in, and whether this call created it. */
public record StoredActivity(String id, boolean created) {}

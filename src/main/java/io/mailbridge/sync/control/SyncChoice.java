package io.mailbridge.sync.control;

import io.mailbridge.sync.entity.SyncDirection;
import java.util.List;

/**
 * An org's sync settings as the API shows them; {@code allRecords} sends every CRM record to every
 * user's mailbox instead of only those the user owns or follows.
 */
public record SyncChoice(
    SyncDirection contacts, SyncDirection events, boolean includeLeads, boolean allRecords) {

  public static final SyncChoice OFF =
      new SyncChoice(SyncDirection.OFF, SyncDirection.OFF, false, false);

  /** The CRM record types (API names) contact sync carries. */
  public List<String> recordTypes() {
    return includeLeads ? List.of("contacts", "leads") : List.of("contacts");
  }
}

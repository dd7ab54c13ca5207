package io.mailbridge.mailbox.ews.control;

import io.mailbridge.mailbox.ews.stubs.ItemType;
import io.mailbridge.mailbox.ews.stubs.SyncFolderItemsChangesType;
import io.mailbridge.mailbox.ews.stubs.SyncFolderItemsCreateOrUpdateType;
import io.mailbridge.mailbox.ews.stubs.SyncFolderItemsDeleteType;
import io.mailbridge.mailbox.ews.stubs.SyncFolderItemsResponseMessageType;
import jakarta.xml.bind.JAXBElement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One {@code SyncFolderItems} page split into the ids of the items deleted and of the items created
 * or changed (read next with one {@code GetItem}), whatever kind of item the folder holds.
 *
 * @param deleted ids of items gone from the folder
 * @param changed ids of items created or changed, of the kind {@code itemOf} picks
 */
record FolderChanges(List<String> deleted, List<String> changed) {

  /**
   * Splits the page; {@code itemOf} picks the item of the wanted kind from a create or update (null
   * for another kind, such as a distribution list in a contacts folder, which is skipped).
   */
  static FolderChanges of(
      SyncFolderItemsResponseMessageType page,
      Function<SyncFolderItemsCreateOrUpdateType, ItemType> itemOf) {
    List<String> deleted = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    SyncFolderItemsChangesType found = page.getChanges();
    for (JAXBElement<?> change :
        found == null ? List.<JAXBElement<?>>of() : found.getCreateOrUpdateOrDelete()) {
      Object value = change.getValue();
      if (value instanceof SyncFolderItemsDeleteType gone && gone.getItemId() != null) {
        deleted.add(gone.getItemId().getId());
      } else if (value instanceof SyncFolderItemsCreateOrUpdateType createdOrUpdated) {
        ItemType item = itemOf.apply(createdOrUpdated);
        if (item != null && item.getItemId() != null) {
          changed.add(item.getItemId().getId());
        }
      }
    }
    return new FolderChanges(deleted, changed);
  }
}

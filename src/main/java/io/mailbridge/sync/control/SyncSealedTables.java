package io.mailbridge.sync.control;

import io.mailbridge.platform.crypto.control.SealedTable;
import io.mailbridge.platform.crypto.control.SealedTables;
import io.mailbridge.sync.entity.SyncLink;
import io.mailbridge.sync.entity.SyncUser;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The sealed columns of sync's tables, for key rotation. */
@ApplicationScoped
public class SyncSealedTables implements SealedTables {
  @Override
  public List<SealedTable> sealedTables() {
    return List.of(
        new SealedTable(SyncUser.TABLE, "org_id", List.of("delta_link", "event_link")),
        new SealedTable(SyncLink.TABLE, "org_id", List.of("base")));
  }
}

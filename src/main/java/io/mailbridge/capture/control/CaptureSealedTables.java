package io.mailbridge.capture.control;

import io.mailbridge.capture.entity.CaptureCursor;
import io.mailbridge.capture.entity.CaptureSettings;
import io.mailbridge.capture.entity.CaptureUserExclusions;
import io.mailbridge.capture.entity.GoogleCaptureScope;
import io.mailbridge.capture.entity.OrgCaptureScope;
import io.mailbridge.capture.entity.OrgMailbox;
import io.mailbridge.platform.crypto.control.SealedTable;
import io.mailbridge.platform.crypto.control.SealedTables;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The sealed columns of capture's tables, for key rotation. */
@ApplicationScoped
public class CaptureSealedTables implements SealedTables {
  @Override
  public List<SealedTable> sealedTables() {
    return List.of(
        new SealedTable(CaptureSettings.TABLE, "org_id", List.of("lists")),
        new SealedTable(CaptureUserExclusions.TABLE, "org_id", List.of("lists")),
        new SealedTable(CaptureCursor.TABLE, "org_id", List.of("positions", "client_state")),
        new SealedTable(OrgCaptureScope.TABLE, "org_id", List.of("chosen")),
        new SealedTable(OrgMailbox.TABLE, "org_id", List.of("address", "graph_user")),
        new SealedTable(
            GoogleCaptureScope.TABLE, "org_id", List.of("service_account_key", "users")));
  }
}

package io.mailbridge.platform.audit.control;

import io.mailbridge.platform.audit.entity.AuditEvent;
import io.mailbridge.platform.crypto.control.SealedTable;
import io.mailbridge.platform.crypto.control.SealedTables;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The sealed column of the audit trail, for key rotation. */
@ApplicationScoped
public class AuditSealedTables implements SealedTables {
  @Override
  public List<SealedTable> sealedTables() {
    return List.of(new SealedTable(AuditEvent.TABLE, "org_id", List.of("detail")));
  }
}

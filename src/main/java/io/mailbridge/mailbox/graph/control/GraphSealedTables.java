package io.mailbridge.mailbox.graph.control;

import io.mailbridge.mailbox.graph.entity.ConsentedTenant;
import io.mailbridge.platform.crypto.control.SealedTable;
import io.mailbridge.platform.crypto.control.SealedTables;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The sealed column of consented tenants, for key rotation. */
@ApplicationScoped
public class GraphSealedTables implements SealedTables {
  @Override
  public List<SealedTable> sealedTables() {
    return List.of(new SealedTable(ConsentedTenant.TABLE, "org_id", List.of("tenant_id")));
  }
}

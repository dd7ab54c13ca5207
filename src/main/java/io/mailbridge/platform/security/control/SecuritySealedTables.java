package io.mailbridge.platform.security.control;

import io.mailbridge.platform.crypto.control.SealedTable;
import io.mailbridge.platform.crypto.control.SealedTables;
import io.mailbridge.platform.security.entity.AppUser;
import io.mailbridge.platform.security.entity.Org;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The sealed columns of orgs and users, for key rotation. */
@ApplicationScoped
public class SecuritySealedTables implements SealedTables {
  @Override
  public List<SealedTable> sealedTables() {
    return List.of(
        new SealedTable(Org.TABLE, "id", List.of("name")),
        new SealedTable(AppUser.TABLE, "org_id", List.of("email", "display_name")));
  }
}

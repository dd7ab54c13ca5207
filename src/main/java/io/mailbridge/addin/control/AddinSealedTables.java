package io.mailbridge.addin.control;

import io.mailbridge.addin.entity.ExchangeIdentityLink;
import io.mailbridge.platform.crypto.control.SealedTable;
import io.mailbridge.platform.crypto.control.SealedTables;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The sealed columns of Exchange identity links, for key rotation. */
@ApplicationScoped
public class AddinSealedTables implements SealedTables {
  @Override
  public List<SealedTable> sealedTables() {
    return List.of(
        new SealedTable(
            ExchangeIdentityLink.TABLE,
            "org_id",
            List.of("metadata_url", "exchange_user_id", "mailbox")));
  }
}

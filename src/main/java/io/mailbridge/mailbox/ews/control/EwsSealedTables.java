package io.mailbridge.mailbox.ews.control;

import io.mailbridge.mailbox.ews.entity.EwsSubscription;
import io.mailbridge.mailbox.ews.entity.ExchangeConnection;
import io.mailbridge.platform.crypto.control.SealedTable;
import io.mailbridge.platform.crypto.control.SealedTables;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The sealed columns of the org's Exchange connection and subscriptions, for key rotation. */
@ApplicationScoped
public class EwsSealedTables implements SealedTables {
  @Override
  public List<SealedTable> sealedTables() {
    return List.of(
        new SealedTable(
            ExchangeConnection.TABLE,
            "org_id",
            List.of(
                "autodiscover_email",
                "username",
                "password",
                "account_domain",
                "ca_bundle",
                "captured_users")),
        new SealedTable(EwsSubscription.TABLE, "org_id", List.of("address")));
  }
}

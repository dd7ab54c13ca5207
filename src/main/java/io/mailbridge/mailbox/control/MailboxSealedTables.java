package io.mailbridge.mailbox.control;

import io.mailbridge.mailbox.entity.MailboxConnection;
import io.mailbridge.mailbox.entity.OAuthState;
import io.mailbridge.mailbox.entity.ProviderApp;
import io.mailbridge.platform.crypto.control.SealedTable;
import io.mailbridge.platform.crypto.control.SealedTables;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** The sealed columns of connections, provider apps and started authorizations, for rotation. */
@ApplicationScoped
public class MailboxSealedTables implements SealedTables {
  @Override
  public List<SealedTable> sealedTables() {
    return List.of(
        new SealedTable(
            MailboxConnection.TABLE,
            "org_id",
            List.of("address", "tenant_id", "access_token", "refresh_token")),
        new SealedTable(
            ProviderApp.TABLE,
            "org_id",
            List.of("client_id", "client_secret", "private_key", "certificate", "allowed")),
        new SealedTable(OAuthState.TABLE, "org_id", List.of("code_verifier", "nonce")));
  }
}

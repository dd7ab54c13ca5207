package io.mailbridge.mailbox.control;

import io.mailbridge.mailbox.control.ConnectionTokenStore.Snapshot;
import io.mailbridge.mailbox.entity.ConnectionState;
import io.mailbridge.mailbox.entity.ProviderApp;
import io.mailbridge.platform.audit.control.AuditLog;
import io.mailbridge.platform.outbound.control.OutboundFailure;
import io.mailbridge.platform.problem.Unavailable;
import io.mailbridge.platform.security.control.OpaqueTokens;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Gives a usable access token for a connection, refreshing it shortly before it expires. Across
 * nodes only the holder of the connection's refresh lease (a conditional UPDATE) calls the
 * provider; the others wait for its grant. A refresh token the provider rotates replaces ours; an
 * {@code invalid_grant} marks the connection {@code REAUTH_REQUIRED}.
 */
@ApplicationScoped
public class ConnectionRefresh {

  private static final Logger LOG = Logger.getLogger(ConnectionRefresh.class.getName());
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration MARK_USED_EVERY = Duration.ofMinutes(1);

  @Inject ConnectionTokenStore store;
  @Inject ProviderApps apps;
  @Inject OAuthProviders providers;
  @Inject AuditLog audit;

  @Inject
  @ConfigProperty(name = "mailbridge.oauth.refresh-before", defaultValue = "PT5M")
  Duration refreshBefore;

  @Inject
  @ConfigProperty(name = "mailbridge.oauth.refresh-lease", defaultValue = "PT30S")
  Duration lease;

  Clock clock = Clock.systemUTC();

  /** How many refreshes this node asked a provider for; for operators and tests. */
  private final AtomicInteger providerRefreshes = new AtomicInteger();

  public int providerRefreshes() {
    return providerRefreshes.get();
  }

  /** The current access token, or a refreshed one; waits for another node's refresh. */
  public String currentOrRefreshed(String orgId, String connectionId) {
    Instant giveUp = clock.instant().plus(lease).plus(lease);
    while (true) {
      Snapshot seen = store.read(orgId, connectionId);
      if (seen.state() != ConnectionState.ACTIVE) {
        throw reauthRequired(seen);
      }
      Instant now = clock.instant();
      if (seen.accessToken() != null
          && seen.accessExpiresAt() != null
          && seen.accessExpiresAt().isAfter(now.plus(refreshBefore))) {
        if (seen.lastUsedAt() == null || seen.lastUsedAt().plus(MARK_USED_EVERY).isBefore(now)) {
          store.markUsed(connectionId, now);
        }
        return seen.accessToken();
      }
      String owner = OpaqueTokens.next();
      if (store.claim(connectionId, seen.grantVersion(), owner, now, now.plus(lease))) {
        return refreshHolding(seen, owner);
      }
      if (now.isAfter(giveUp)) {
        throw new Unavailable(
            "refresh_in_progress",
            "Access to the mailbox is being renewed and that is taking long; try again shortly",
            Duration.ofSeconds(5));
      }
      pause();
    }
  }

  private String refreshHolding(Snapshot seen, String owner) {
    boolean settled = false;
    try {
      ProviderApp app = apps.required(seen.orgId(), seen.provider());
      OAuthProvider provider = providers.of(seen.provider());
      providerRefreshes.incrementAndGet();
      TokenGrant grant;
      try {
        grant = provider.refresh(app, seen.refreshToken(), seen.tenantId(), seen.scopes());
      } catch (TokenEndpointError refused) {
        if (refused.invalidGrant() || seen.refreshToken() == null) {
          settled = store.markReauthRequired(seen.id(), owner);
          audit.recordApart(
              seen.orgId(),
              null,
              "mailbox.refresh_failed",
              seen.id(),
              "reauth_required",
              seen.provider().displayName()
                  + " refused to renew access to "
                  + seen.address()
                  + " ("
                  + refused.error()
                  + "); its user must connect it again");
          throw reauthRequired(seen);
        }
        audit.recordApart(
            seen.orgId(),
            null,
            "mailbox.refresh_failed",
            seen.id(),
            "provider_refused",
            seen.provider().displayName()
                + " refused to renew access to "
                + seen.address()
                + ": "
                + refused.getMessage());
        throw new ProviderRefused(
            "provider_refused",
            seen.provider().displayName()
                + " refused to renew access ("
                + refused.error()
                + "); an admin should check the app settings under /api/admin/providers/"
                + seen.provider().pathName());
      } catch (OutboundFailure unreachable) {
        LOG.log(Level.WARNING, "Token refresh failed: {0}", unreachable.getMessage());
        throw new ProviderUnreachable(
            "provider_unavailable",
            seen.provider().displayName() + " could not be reached to renew access; try again",
            Duration.ofSeconds(30));
      }
      settled = store.saveRefreshed(seen.id(), owner, grant, clock.instant());
      if (!settled) {
        LOG.warning("A token refresh outlived its lease; another node's grant wins");
      }
      store.markUsed(seen.id(), clock.instant());
      return grant.accessToken();
    } finally {
      if (!settled) {
        store.release(seen.id(), owner);
      }
    }
  }

  private static MailboxReauthRequired reauthRequired(Snapshot seen) {
    String reconnectPath = "/api/oauth/" + seen.provider().pathName() + "/start";
    return new MailboxReauthRequired(
        "Access to the "
            + seen.provider().displayName()
            + " mailbox "
            + seen.address()
            + " has ended; connect it again (GET "
            + reconnectPath
            + ")",
        reconnectPath);
  }

  private static void pause() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable("interrupted", "The server is shutting down; try again");
    }
  }
}

package io.mailbridge.mailbox.control;

import io.mailbridge.mailbox.control.ConnectionTokenStore.Snapshot;
import io.mailbridge.mailbox.entity.ConnectionState;
import io.mailbridge.mailbox.entity.MailProvider;
import io.mailbridge.mailbox.entity.MailboxConnection;
import io.mailbridge.mailbox.entity.ProviderApp;
import io.mailbridge.platform.audit.control.AuditLog;
import io.mailbridge.platform.outbound.control.OutboundFailure;
import io.mailbridge.platform.problem.DomainProblem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Ends a connection: revokes the grant at the provider, then deletes the tokens whatever the
 * provider said, and writes down in the audit log what happened.
 */
@ApplicationScoped
public class RevokeConnection {

  private static final Logger LOG = Logger.getLogger(RevokeConnection.class.getName());

  @Inject MailboxConnections connections;
  @Inject ConnectionTokenStore tokenStore;
  @Inject ConnectionTokens tokens;
  @Inject ProviderApps apps;
  @Inject OAuthProviders providers;
  @Inject AuditLog audit;
  @Inject Event<Ending> ending;

  /**
   * Announced before a connection ends, while its tokens still work, so that what follows the
   * mailbox (capture's push channel) can stop at the provider.
   */
  public record Ending(String orgId, String connectionId) {}

  /** How the provider side went; the tokens are gone in every case. */
  public record Revoked(boolean providerConfirmed, String message) {}

  /** A user ends one of their own connections. */
  public Revoked byOwner(String orgId, String userId, String connectionId) {
    MailboxConnection connection = connections.ownedBy(orgId, userId, connectionId);
    return revoke(connection, userId, "its user");
  }

  /** An admin ends any connection of the org. */
  public Revoked byAdmin(String orgId, String adminId, String connectionId) {
    MailboxConnection connection = connections.inOrg(orgId, connectionId);
    return revoke(connection, adminId, "an admin");
  }

  private Revoked revoke(MailboxConnection connection, String actorId, String by) {
    try {
      ending.fire(new Ending(connection.orgId(), connection.id()));
    } catch (RuntimeException e) {
      // What follows the mailbox must not keep its user from disconnecting it.
      LOG.log(
          Level.INFO,
          "Stopping what follows mailbox {0} failed ({1}); it is disconnected anyway",
          new Object[] {connection.id(), e.getClass().getSimpleName()});
    }
    Snapshot seen = tokenStore.read(connection.orgId(), connection.id());
    MailProvider provider = seen.provider();
    String who = provider.displayName();
    String outcome;
    String message;
    try {
      if (revokeAtProvider(seen)) {
        outcome = "revoked";
        message = who + " confirmed the revocation";
      } else {
        outcome = "no_grant";
        message = "no grant was left to revoke at " + who;
      }
    } catch (TokenEndpointError refused) {
      // A 5xx is the provider being down, not a refusal: it may still hold the grant.
      outcome = refused.status() >= 500 ? "provider_unreachable" : "provider_refused";
      message = who + " did not confirm the revocation (" + refused.error() + ")";
    } catch (OutboundFailure unreachable) {
      LOG.log(Level.WARNING, "Revocation not confirmed: {0}", unreachable.getMessage());
      outcome = "provider_unreachable";
      message = who + " could not be reached to revoke access";
    } catch (DomainProblem noToken) {
      outcome = "provider_unreachable";
      message = who + " access could not be renewed to revoke it (" + noToken.code() + ")";
    }
    connections.delete(connection.id());
    audit.record(
        connection.orgId(),
        actorId,
        "mailbox.revoke",
        connection.id(),
        outcome,
        who
            + " mailbox "
            + seen.address()
            + " disconnected by "
            + by
            + "; "
            + message
            + "; the stored tokens were deleted");
    return new Revoked("revoked".equals(outcome), message + "; Mailbridge deleted its tokens");
  }

  /** Whether the provider was asked; false when nothing it would honour was left. */
  private boolean revokeAtProvider(Snapshot seen) throws TokenEndpointError, OutboundFailure {
    if (seen.state() != ConnectionState.ACTIVE || seen.refreshToken() == null) {
      return false;
    }
    Optional<ProviderApp> app = apps.find(seen.orgId(), seen.provider());
    if (app.isEmpty()) {
      throw new TokenEndpointError(0, "provider_not_configured", null);
    }
    OAuthProvider oauth = providers.of(seen.provider());
    String accessToken =
        oauth.revokesWithAccessToken()
            ? tokens.accessToken(seen.orgId(), seen.id()) // refreshed if it ran out
            : seen.accessToken();
    oauth.revoke(app.get(), accessToken, seen.refreshToken());
    return true;
  }
}

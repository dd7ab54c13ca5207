package io.mailbridge.mailbox.graph.control;

import io.mailbridge.mailbox.control.ConnectedAccount;
import io.mailbridge.mailbox.control.MailboxConnections;
import io.mailbridge.mailbox.control.ProviderApps;
import io.mailbridge.mailbox.control.ProviderRefused;
import io.mailbridge.mailbox.control.ProviderUnreachable;
import io.mailbridge.mailbox.control.TokenEndpointError;
import io.mailbridge.mailbox.control.TokenGrant;
import io.mailbridge.mailbox.control.VerifiedEntraToken;
import io.mailbridge.mailbox.entity.MailProvider;
import io.mailbridge.mailbox.entity.MailboxConnection;
import io.mailbridge.mailbox.entity.ProviderApp;
import io.mailbridge.platform.audit.control.AuditLog;
import io.mailbridge.platform.outbound.control.OutboundFailure;
import io.mailbridge.platform.problem.DomainProblem;
import io.mailbridge.platform.problem.NotAllowed;
import io.mailbridge.platform.problem.NotAuthenticated;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns the add-in's Entra sign-in into Graph access for the signed-in user: the on-behalf-of grant
 * is stored as the user's Microsoft mailbox connection, so its token is cached until shortly before
 * expiry and refreshed once at a time like every other connection.
 */
@ApplicationScoped
public class GraphOnBehalfOf {

  private static final Logger LOG = Logger.getLogger(GraphOnBehalfOf.class.getName());

  @Inject ProviderApps apps;
  @Inject MicrosoftOAuth microsoft;
  @Inject MailboxConnections connections;
  @Inject AuditLog audit;

  /** Stores (or renews) the user's Graph grant; a clear error when Entra will not give one. */
  public MailboxConnection connect(
      String orgId, String userId, VerifiedEntraToken token, String assertion) {
    ProviderApp app = apps.required(orgId, MailProvider.MICROSOFT);
    TokenGrant grant;
    try {
      grant = microsoft.onBehalfOf(app, assertion, token.tenantId());
    } catch (TokenEndpointError refused) {
      LOG.log(Level.INFO, "On-behalf-of refused: {0}", refused.error());
      String text = refused.getMessage() == null ? "" : refused.getMessage();
      if (text.contains("AADSTS65001") || "consent_required".equals(refused.error())) {
        throw new NotAllowed(
            "graph_consent_required",
            "Microsoft 365 has not granted Mailbridge access to mail for your tenant: an admin of"
                + " the tenant must consent to Mail.ReadWrite.Shared and User.Read (a Mailbridge"
                + " admin starts it at /api/admin/microsoft/consent)");
      }
      // Entra documents interaction_required with a claims challenge for MFA and Conditional
      // Access; it also answers invalid_grant (AADSTS50076/50079) carrying one. Either way only
      // the user can satisfy it, in the task pane, so the challenge goes back there.
      if ("interaction_required".equals(refused.error()) || refused.claims() != null) {
        DomainProblem problem =
            new NotAuthenticated(
                "interaction_required",
                "Microsoft 365 wants you to sign in again (multi-factor authentication or a"
                    + " Conditional Access policy of your organisation) before Mailbridge may read"
                    + " your mail: the add-in asks Microsoft for a new sign-in with the claims it"
                    + " sent, then tries again");
        throw refused.claims() == null ? problem : problem.with("claims", refused.claims());
      }
      if (refused.invalidGrant()) {
        throw new NotAuthenticated(
            "graph_sign_in_again",
            "Microsoft 365 did not accept the sign-in for mail access ("
                + refused.error()
                + "); sign in to the add-in again");
      }
      throw new ProviderRefused(
          "graph_refused",
          "Microsoft 365 refused mail access ("
              + refused.error()
              + "); an admin should check the app"
              + " registration under /api/admin/providers/microsoft");
    } catch (OutboundFailure unreachable) {
      throw new ProviderUnreachable(
          "provider_unavailable",
          "Microsoft 365 could not be reached; try again",
          Duration.ofSeconds(30));
    }
    String address =
        token.username().isBlank() ? token.objectId() + "@" + token.tenantId() : token.username();
    MailboxConnections.Stored stored =
        connections.store(
            orgId,
            userId,
            MailProvider.MICROSOFT,
            new ConnectedAccount(address, token.tenantId()),
            grant);
    if (!stored.reconnected()) {
      audit.record(
          orgId,
          userId,
          "mailbox.connect",
          stored.connection().id(),
          "connected",
          "Microsoft mailbox " + address + " connected from the Outlook add-in (on-behalf-of)");
    }
    return stored.connection();
  }
}

package io.mailbridge.mailbox.control;

import io.mailbridge.mailbox.control.OAuthStates.CookieLookup;
import io.mailbridge.mailbox.control.OAuthStates.Presented;
import io.mailbridge.mailbox.entity.AuthorizationPurpose;
import io.mailbridge.mailbox.entity.MailProvider;
import io.mailbridge.mailbox.entity.OAuthState;
import io.mailbridge.mailbox.entity.ProviderApp;
import io.mailbridge.platform.audit.control.AuditLog;
import io.mailbridge.platform.config.control.MailbridgeSettings;
import io.mailbridge.platform.outbound.control.OutboundFailure;
import io.mailbridge.platform.problem.NotAllowed;
import io.mailbridge.platform.security.control.Users;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Connecting a mailbox: the start hands out the provider's authorization URL (PKCE S256, state,
 * nonce) and a browser-binding cookie; the callback checks the state, exchanges the code, checks
 * the granted scopes and the account, and stores the tokens sealed.
 */
@ApplicationScoped
public class ConnectMailbox {

  private static final Logger LOG = Logger.getLogger(ConnectMailbox.class.getName());

  @Inject OAuthStates states;
  @Inject ProviderApps apps;
  @Inject OAuthProviders providers;
  @Inject MailboxConnections connections;
  @Inject MailbridgeSettings settings;
  @Inject Users users;
  @Inject AuditLog audit;

  /** What the start answers, and the cookie that ties the authorization to this browser. */
  public record Started(
      URI authorizationUrl,
      Instant expiresAt,
      String cookieName,
      String cookieValue,
      String cookiePath) {

    @Override
    public String toString() {
      return "Started[" + cookieName + "]";
    }
  }

  /** How a callback ended, in words for the person in front of the browser. */
  public record Outcome(
      int status, String code, String title, String message, String connectionId) {

    static Outcome refused(int status, String code, String title, String message) {
      return new Outcome(status, code, title, message, null);
    }
  }

  public Started start(String orgId, String userId, MailProvider provider) {
    ProviderApp app = apps.required(orgId, provider);
    if (app.connectionsBlocked()) {
      throw new NotAllowed(
          "provider_blocked",
          "An admin has blocked new " + provider.displayName() + " connections");
    }
    OAuthProvider oauth = providers.of(provider);
    OAuthStates.Started started =
        states.start(orgId, userId, provider, AuthorizationPurpose.CONNECT);
    URI url =
        oauth.authorizationUrl(
            app, redirectUri(provider), started.state(), started.codeChallenge(), started.nonce());
    return new Started(
        url,
        started.row().expiresAt(),
        started.cookieName(),
        started.browserToken(),
        callbackPath(provider));
  }

  /** The callback URL registered at the provider: {@code {public-url}/api/oauth/{p}/callback}. */
  public String redirectUri(MailProvider provider) {
    return settings.publicUrl() + callbackPath(provider);
  }

  private static String callbackPath(MailProvider provider) {
    return "/api/oauth/" + provider.pathName() + "/callback";
  }

  /**
   * Completes a callback. Every refusal of the provider or the browser is an outcome (the browser
   * shows a page); a provider the org has not set up is a {@link ProviderNotConfigured}. Nothing is
   * stored unless every check passed.
   */
  public Outcome complete(
      MailProvider provider,
      String state,
      String code,
      String error,
      String errorDescription,
      CookieLookup cookies) {
    Presented presented = states.present(provider, AuthorizationPurpose.CONNECT, state, cookies);
    if (presented.refusal() != null) {
      return refusal(presented.refusal(), provider);
    }
    OAuthState row = presented.row();
    String who = provider.displayName();
    if (error != null) {
      return Outcome.refused(
          400,
          "provider_error",
          who + " did not connect the mailbox",
          providerError(who, error, errorDescription));
    }
    if (code == null || code.isBlank() || code.length() > 4096) {
      return Outcome.refused(
          400, "missing_code", "The sign-in did not finish", who + " sent no authorization code.");
    }
    if (users.findActive(row.orgId(), row.userId()).isEmpty()) {
      return Outcome.refused(
          403,
          "user_disabled",
          "The account is disabled",
          "This CRM account can no longer sign in.");
    }
    // Not set up (any more): ProviderNotConfigured, which the callback page shows like a refusal.
    ProviderApp app = apps.required(row.orgId(), provider);
    if (app.connectionsBlocked()) {
      return Outcome.refused(
          403,
          "provider_blocked",
          "Connections are blocked",
          "An admin has blocked new " + who + " connections.");
    }
    OAuthProvider oauth = providers.of(provider);
    TokenGrant grant;
    try {
      grant = oauth.exchangeCode(app, code, row.codeVerifier(), redirectUri(provider));
    } catch (TokenEndpointError refused) {
      LOG.log(Level.INFO, "{0} refused a code exchange: {1}", new Object[] {who, refused.error()});
      return Outcome.refused(
          400,
          "code_refused",
          who + " refused the sign-in",
          who
              + " did not accept the sign-in code ("
              + refused.getMessage()
              + "). Start again from Mailbridge; if it keeps failing, an admin should check the"
              + " app registration.");
    } catch (OutboundFailure unreachable) {
      return Outcome.refused(
          503,
          "provider_unavailable",
          who + " could not be reached",
          "Mailbridge could not reach " + who + " to finish the sign-in. Try again shortly.");
    }
    List<String> missing =
        oauth.requiredScopes().stream().filter(s -> !oauth.grants(grant.scopes(), s)).toList();
    if (!missing.isEmpty()) {
      return Outcome.refused(
          400,
          "missing_scope",
          "Some permissions were not granted",
          "Mailbridge needs every permission it asks for. Not granted: "
              + String.join(", ", missing)
              + ". Connect again and leave all permissions ticked.");
    }
    if (grant.refreshToken() == null) {
      return Outcome.refused(
          400,
          "missing_scope",
          "Offline access was not granted",
          who
              + " did not grant offline access, so Mailbridge could not keep the mailbox connected.");
    }
    ConnectedAccount account;
    try {
      account = oauth.account(app, grant, row.nonce());
    } catch (AccountRefused refused) {
      return Outcome.refused(
          403, refused.code(), "This account cannot be connected", refused.getMessage());
    }
    MailboxConnections.Stored stored =
        connections.store(row.orgId(), row.userId(), provider, account, grant);
    audit.record(
        row.orgId(),
        row.userId(),
        stored.reconnected() ? "mailbox.reconnect" : "mailbox.connect",
        stored.connection().id(),
        "connected",
        who
            + " mailbox "
            + account.address()
            + " connected with "
            + String.join(" ", grant.scopes()));
    return new Outcome(
        200,
        "connected",
        "Mailbox connected",
        account.address() + " is connected to Mailbridge. You can close this window.",
        stored.connection().id());
  }

  /** The page for a state that was not accepted. */
  public static Outcome refusal(OAuthStates.Refusal refusal, MailProvider provider) {
    String again =
        "Start again from Mailbridge to connect your " + provider.displayName() + " mailbox.";
    return switch (refusal) {
      case UNKNOWN ->
          Outcome.refused(
              400,
              "unknown_state",
              "Unknown sign-in",
              "This sign-in was not started here. " + again);
      case OTHER_BROWSER ->
          Outcome.refused(
              403,
              "state_mismatch",
              "Started elsewhere",
              "This sign-in was started by someone else or in another browser, so it was not used. "
                  + again);
      case USED ->
          Outcome.refused(
              400,
              "state_used",
              "Already used",
              "This sign-in link has already been used. " + again);
      case EXPIRED ->
          Outcome.refused(
              400,
              "state_expired",
              "Expired",
              "This sign-in took longer than allowed and has expired. " + again);
    };
  }

  private static String providerError(String who, String error, String description) {
    String words =
        switch (error) {
          case "access_denied" -> "the permission request was declined or cancelled";
          case "consent_required" -> "an administrator must consent to the app first";
          case "interaction_required" -> "more sign-in steps are needed";
          case "invalid_scope" -> "the app asked for a permission it is not registered for";
          case "unauthorized_client" -> "the app registration does not allow this sign-in";
          default -> "it answered " + error;
        };
    String detail =
        description == null || description.isBlank() ? "" : " (" + trim(description) + ")";
    return who + " did not connect the mailbox: " + words + detail + ".";
  }

  private static String trim(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }
}

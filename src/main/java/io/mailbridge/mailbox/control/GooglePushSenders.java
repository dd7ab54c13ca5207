package io.mailbridge.mailbox.control;

import com.nimbusds.jwt.JWTClaimsSet;
import io.mailbridge.platform.config.control.MailbridgeSettings;
import io.mailbridge.platform.outbound.control.OutboundCall;
import io.mailbridge.platform.problem.NotAuthenticated;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Decides whether a Cloud Pub/Sub push really comes from the push subscription Mailbridge was set
 * up with: its {@code Authorization: Bearer} token must be a Google-signed OIDC token (checked
 * against Google's key set, cached as for Google sign-in) from {@code accounts.google.com}, for the
 * configured audience, naming the configured service account with a verified email.
 */
@ApplicationScoped
public class GooglePushSenders {

  private static final Logger LOG = Logger.getLogger(GooglePushSenders.class.getName());
  private static final Set<String> ISSUERS =
      Set.of("https://accounts.google.com", "accounts.google.com");
  private static final OutboundCall SIGNING_KEYS = new OutboundCall("google_oauth", "signing_keys");
  private static final String BEARER = "Bearer ";
  private static final int MAX_TOKEN = 8192;
  static final String PUSH_PATH = "/api/notify/gmail";

  /**
   * The push channel id of a Gmail mailbox with a watch: pushes name the mailbox by its address
   * only, so the channel is found by it.
   */
  public static String channelOf(String emailAddress) {
    return "gmail:" + emailAddress.strip().toLowerCase(Locale.ROOT);
  }

  @Inject ProviderTokenVerifier verifier;
  @Inject ProviderOutbound outbound;
  @Inject MailbridgeSettings settings;

  @Inject
  @ConfigProperty(
      name = "mailbridge.google.jwks-url",
      defaultValue = "https://www.googleapis.com/oauth2/v3/certs")
  String jwksUrl;

  /** The audience the push subscription puts in its tokens (Pub/Sub's default: the push URL). */
  @Inject
  @ConfigProperty(name = "mailbridge.capture.gmail.push-audience")
  Optional<String> audience;

  /** The service account the push subscription authenticates as. */
  @Inject
  @ConfigProperty(name = "mailbridge.capture.gmail.push-service-account")
  Optional<String> serviceAccount;

  /**
   * Checks the request's {@code Authorization} header.
   *
   * @throws NotAuthenticated when there is no token, it does not verify or it names another sender
   */
  public void verify(String authorization) {
    if (serviceAccount.isEmpty() || serviceAccount.get().isBlank()) {
      LOG.warning(
          "A Gmail push arrived, but mailbridge.capture.gmail.push-service-account is not set:"
              + " refused");
      throw refused("Gmail push is not configured on this server");
    }
    if (authorization == null
        || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
        || authorization.length() > BEARER.length() + MAX_TOKEN) {
      throw refused("A Google-signed OIDC token is required");
    }
    String token = authorization.substring(BEARER.length()).strip();
    String expectedAudience = expectedAudience();
    JWTClaimsSet claims;
    try {
      claims =
          verifier.verify(
              token,
              new ProviderTokenVerifier.Expectations(
                  URI.create(jwksUrl),
                  outbound.policyFor(jwksUrl),
                  SIGNING_KEYS,
                  ISSUERS::contains,
                  aud -> aud.contains(expectedAudience),
                  null));
    } catch (AccountRefused e) {
      // The reason names no secret: which check failed (signature, issuer, audience, expiry).
      LOG.warning(() -> "Gmail push refused: " + e.getMessage());
      throw refused("The push's token was refused");
    }
    Object email = claims.getClaim("email");
    Object verified = claims.getClaim("email_verified");
    if (!(email instanceof String sender)
        || !sender
            .toLowerCase(Locale.ROOT)
            .equals(serviceAccount.get().strip().toLowerCase(Locale.ROOT))
        || !(Boolean.TRUE.equals(verified) || "true".equals(verified))) {
      LOG.warning("Gmail push refused: its token names another or an unverified service account");
      throw refused("The push's token was refused");
    }
  }

  private String expectedAudience() {
    return audience
        .filter(a -> !a.isBlank())
        .orElseGet(() -> settings.publicUrl() + PUSH_PATH)
        .strip();
  }

  private static NotAuthenticated refused(String message) {
    return new NotAuthenticated("invalid_push_token", message);
  }
}

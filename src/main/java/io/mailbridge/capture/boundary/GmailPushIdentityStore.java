package io.mailbridge.capture.boundary;

import io.mailbridge.mailbox.control.GooglePushSenders;
import io.mailbridge.platform.problem.NotAuthenticated;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.CallerPrincipal;
import jakarta.security.enterprise.credential.Credential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Method;
import java.util.EnumSet;
import java.util.Set;

/**
 * Lets Cloud Pub/Sub's OIDC token through the server's bearer-token check on {@code POST
 * /api/notify/gmail} only. MicroProfile JWT refuses (401) every request whose {@code Authorization:
 * Bearer} token is not Mailbridge's own before any resource runs, so without this store the
 * Google-signed token of an authenticated push could never reach the receiver. It answers only on
 * that path, after Mailbridge's own token store (lower priority), and only for a token {@link
 * GooglePushSenders} accepts; the caller it makes has no role, so it opens nothing but the
 * receiver, which checks the token again.
 */
@ApplicationScoped
public class GmailPushIdentityStore implements IdentityStore {

  static final String PUSH_PATH = "/api/notify/gmail";
  private static final String CALLER = "gmail-push";

  @Inject HttpServletRequest request;
  @Inject GooglePushSenders senders;

  @Override
  public CredentialValidationResult validate(Credential credential) {
    String token = bearerOf(credential);
    if (token == null || !isPushRequest()) {
      return CredentialValidationResult.NOT_VALIDATED_RESULT;
    }
    try {
      senders.verify("Bearer " + token);
    } catch (NotAuthenticated refused) {
      return CredentialValidationResult.INVALID_RESULT;
    }
    return new CredentialValidationResult(new CallerPrincipal(CALLER), Set.of());
  }

  @Override
  public int priority() {
    return 1000; // after MicroProfile JWT's own store
  }

  @Override
  public Set<ValidationType> validationTypes() {
    return EnumSet.of(ValidationType.VALIDATE);
  }

  private boolean isPushRequest() {
    try {
      return "POST".equals(request.getMethod())
          && (request.getContextPath() + PUSH_PATH).equals(request.getRequestURI());
    } catch (RuntimeException noRequest) {
      return false; // validation outside an HTTP request
    }
  }

  /**
   * The raw token of Payara's bearer credential ({@code SignedJWTCredential#getSignedJWT}), read
   * reflectively: the class is the server's, not an API the application compiles against.
   */
  private static String bearerOf(Credential credential) {
    if (credential == null
        || !credential.getClass().getSimpleName().equals("SignedJWTCredential")) {
      return null;
    }
    try {
      Method getter = credential.getClass().getMethod("getSignedJWT");
      return getter.invoke(credential) instanceof String token ? token : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}

package io.mailbridge.mailbox.gmail.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.mailbridge.mailbox.control.AppAccessRefused;
import io.mailbridge.mailbox.control.DelegatedMailboxes;
import io.mailbridge.mailbox.control.TokenEndpointError;
import io.mailbridge.platform.problem.InvalidField;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class GoogleDelegationTest {

  private static final KeyPair PAIR = pair();
  private static final String TOKEN_URL = "https://oauth2.googleapis.com/token";

  private static KeyPair pair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonObject keyFile() {
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(PAIR.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    return Json.createObjectBuilder()
        .add("type", "service_account")
        .add("project_id", "p")
        .add("private_key_id", "abc123")
        .add("private_key", pem)
        .add("client_email", "capture@p.iam.gserviceaccount.com")
        .add("client_id", "1234567890")
        .add("token_uri", "https://elsewhere.example/token")
        .build();
  }

  @Test
  void aKeyFileIsReadAndTheAssertionCarriesTheDelegationClaimsSignedWithItsKey() throws Exception {
    GoogleDelegation.Key key = GoogleDelegation.key(keyFile().toString());
    assertEquals("capture@p.iam.gserviceaccount.com", key.clientEmail());
    assertEquals("abc123", key.keyId());
    assertEquals("1234567890", key.clientId());

    Instant now = Instant.parse("2026-11-30T10:00:00Z");
    SignedJWT jwt =
        SignedJWT.parse(
            GoogleDelegation.assertion(
                key, "ada@example.com", DelegatedMailboxes.SCOPE, TOKEN_URL, now));
    assertTrue(jwt.verify(new RSASSAVerifier((RSAPublicKey) PAIR.getPublic())));
    assertEquals(JWSAlgorithm.RS256, jwt.getHeader().getAlgorithm());
    assertEquals(JOSEObjectType.JWT, jwt.getHeader().getType());
    assertEquals("abc123", jwt.getHeader().getKeyID());
    JWTClaimsSet claims = jwt.getJWTClaimsSet();
    assertEquals("capture@p.iam.gserviceaccount.com", claims.getIssuer());
    assertEquals("ada@example.com", claims.getSubject());
    assertEquals(List.of(TOKEN_URL), claims.getAudience());
    assertEquals(DelegatedMailboxes.SCOPE, claims.getStringClaim("scope"));
    assertEquals(now, claims.getIssueTime().toInstant());
    assertEquals(now.plus(Duration.ofHours(1)), claims.getExpirationTime().toInstant());
  }

  private static String fieldOf(String keyJson) {
    return assertThrows(InvalidField.class, () -> GoogleDelegation.key(keyJson)).getMessage();
  }

  @Test
  void anInvalidKeyFileNamesTheFieldAndNeverEchoesTheKey() {
    assertTrue(fieldOf("not json").contains("serviceAccountKey"));
    assertTrue(fieldOf("[]").contains("serviceAccountKey"));
    JsonObject good = keyFile();
    assertTrue(
        fieldOf(Json.createObjectBuilder(good).add("type", "authorized_user").build().toString())
            .contains("serviceAccountKey.type"));
    assertTrue(
        fieldOf(Json.createObjectBuilder(good).remove("client_email").build().toString())
            .contains("serviceAccountKey.client_email"));
    assertTrue(
        fieldOf(Json.createObjectBuilder(good).remove("private_key_id").build().toString())
            .contains("serviceAccountKey.private_key_id"));
    String broken =
        fieldOf(
            Json.createObjectBuilder(good)
                .add(
                    "private_key",
                    "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----")
                .build()
                .toString());
    assertTrue(broken.contains("serviceAccountKey.private_key"), broken);
    assertFalse(broken.contains("c2VjcmV0"), broken);
  }

  @Test
  void refusalsSayWhatHappenedAndWhatToDo() {
    AppAccessRefused noDelegation =
        GoogleDelegation.refusal(
            new TokenEndpointError(
                401,
                "unauthorized_client",
                "Client is unauthorized to retrieve access tokens using this method, or client not"
                    + " authorized for any of the scopes requested."),
            "1234567890",
            DelegatedMailboxes.CALENDAR_SCOPE);
    assertTrue(noDelegation.getMessage().contains("Domain-wide delegation"));
    assertTrue(noDelegation.getMessage().contains("1234567890"));
    assertTrue(
        noDelegation.getMessage().contains(DelegatedMailboxes.CALENDAR_SCOPE),
        "names the scope that was refused");
    assertTrue(noDelegation.getMessage().endsWith("[unauthorized_client]"));
    assertTrue(
        GoogleDelegation.refusal(
                new TokenEndpointError(400, "invalid_grant", "Invalid JWT Signature."),
                null,
                DelegatedMailboxes.SCOPE)
            .getMessage()
            .contains("uploads a current key file"));
    assertTrue(
        GoogleDelegation.refusal(
                new TokenEndpointError(400, "invalid_grant", "Invalid email or User ID"),
                null,
                DelegatedMailboxes.SCOPE)
            .getMessage()
            .contains("does not know this user"));
  }
}

package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.mailbridge.it.ApiClient.Reply;
import io.mailbridge.platform.security.control.AccessTokens;
import io.mailbridge.platform.security.entity.AppUser;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sign-in, Mailbridge's own tokens, user administration and org isolation, exercised over HTTP
 * against the deployed server.
 */
@ExtendWith(ArquillianExtension.class)
class SecurityIT {

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @Inject HttpServletRequest request;
  @Inject TestOrgs testOrgs;
  @Inject AccessTokens accessTokens;

  private ApiClient api() {
    return new ApiClient("http://127.0.0.1:" + request.getLocalPort());
  }

  @Test
  void serverIsReadyAndDescribesItsApi() {
    Reply ready = api().get("/health/ready", null);
    assertEquals(200, ready.status(), ready.body());
    assertTrue(ready.body().contains("\"UP\""), ready.body());
    Reply live = api().get("/health/live", null);
    assertEquals(200, live.status(), live.body());
    Reply openapi = api().get("/openapi", null);
    assertEquals(200, openapi.status());
    assertTrue(openapi.body().contains("/api/auth/login"), "OpenAPI lists the login path");
    assertTrue(openapi.body().contains("/api/admin/users"), "OpenAPI lists the admin paths");
  }

  @Test
  void bootstrapAdminSignsInAndTheTokenOpensTheApi() {
    String email = System.getenv("MAILBRIDGE_BOOTSTRAP_ADMIN_EMAIL");
    String password = System.getenv("MAILBRIDGE_BOOTSTRAP_ADMIN_PASSWORD");
    // Case and surrounding spaces of the address do not matter at login.
    JsonObject tokens = api().login("  " + email.toUpperCase() + " ", password);
    assertEquals(3600, tokens.getInt("expiresIn"));
    assertFalse(tokens.getString("refreshToken").isBlank());
    Reply me = api().get("/api/auth/me", tokens.getString("accessToken"));
    assertEquals(200, me.status(), me.body());
    assertEquals(email, me.json().getString("email"));
    assertEquals("ADMIN", me.json().getString("role"));
  }

  @Test
  void badCredentialsAndBadBodiesAreClearClientErrors() {
    AppUser admin = testOrgs.orgWithAdmin("Bad input");
    Reply wrong =
        api()
            .post(
                "/api/auth/login", null, ApiClient.credentials(admin.email(), "not the password"));
    assertEquals(401, wrong.status());
    assertEquals("invalid_credentials", wrong.error());
    assertFalse(wrong.body().contains("not the password"), "the answer never echoes the password");

    Reply unknown =
        api()
            .post(
                "/api/auth/login",
                null,
                ApiClient.credentials("nobody@it.example", "whatever it is"));
    assertEquals(401, unknown.status());
    assertEquals("invalid_credentials", unknown.error(), "unknown and wrong look the same");

    Reply missing = api().post("/api/auth/login", null, "{\"email\":\"" + admin.email() + "\"}");
    assertEquals(400, missing.status());
    assertEquals("invalid_field", missing.error());
    assertTrue(missing.json().getString("message").startsWith("password"));

    Reply malformed = api().post("/api/auth/login", null, "{\"email\": ");
    assertEquals(400, malformed.status(), malformed.body());
    assertEquals("invalid_json", malformed.error());

    Reply empty = api().post("/api/auth/refresh", null, "");
    assertEquals(400, empty.status(), empty.body());
  }

  @Test
  void refreshRotatesAndReusingARetiredTokenRevokesTheFamily() {
    AppUser admin = testOrgs.orgWithAdmin("Refresh");
    JsonObject first = api().login(admin.email(), TestOrgs.PASSWORD);
    String r1 = first.getString("refreshToken");

    Reply second = api().post("/api/auth/refresh", null, refreshBody(r1));
    assertEquals(200, second.status(), second.body());
    String r2 = second.json().getString("refreshToken");
    assertNotEquals(r1, r2);
    assertEquals(200, api().get("/api/auth/me", second.json().getString("accessToken")).status());

    Reply reuse = api().post("/api/auth/refresh", null, refreshBody(r1));
    assertEquals(401, reuse.status());
    assertEquals("refresh_token_reused", reuse.error());

    Reply afterReuse = api().post("/api/auth/refresh", null, refreshBody(r2));
    assertEquals(
        401, afterReuse.status(), "the reuse revoked the newer token of the same family too");

    // Another login is a new family and is not affected.
    String other = api().login(admin.email(), TestOrgs.PASSWORD).getString("refreshToken");
    assertEquals(200, api().post("/api/auth/refresh", null, refreshBody(other)).status());

    Reply garbage = api().post("/api/auth/refresh", null, refreshBody("not-a-token"));
    assertEquals(401, garbage.status());
    assertEquals("invalid_refresh_token", garbage.error());
  }

  @Test
  void logoutRevokesTheRefreshToken() {
    AppUser admin = testOrgs.orgWithAdmin("Logout");
    String refresh = api().login(admin.email(), TestOrgs.PASSWORD).getString("refreshToken");
    assertEquals(204, api().post("/api/auth/logout", null, refreshBody(refresh)).status());
    Reply after = api().post("/api/auth/refresh", null, refreshBody(refresh));
    assertEquals(401, after.status());
  }

  @Test
  void missingExpiredTamperedAndForgedTokensAreRefused() throws Exception {
    AppUser admin = testOrgs.orgWithAdmin("Tokens");
    String good = api().accessToken(admin.email(), TestOrgs.PASSWORD);
    assertEquals(200, api().get("/api/auth/me", good).status());

    assertUnauthorized(api().get("/api/auth/me", null));

    String expired = accessTokens.issue(admin, Instant.now().minusSeconds(2 * 3600));
    assertUnauthorized(api().get("/api/auth/me", expired));

    String[] parts = good.split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    String otherUser = payload.replace(admin.id(), "someone-else-entirely");
    assertNotEquals(payload, otherUser);
    String tampered =
        parts[0]
            + "."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(otherUser.getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];
    assertUnauthorized(api().get("/api/auth/me", tampered));

    String unsigned =
        Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                    "{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[1]
            + ".";
    assertUnauthorized(api().get("/api/auth/me", unsigned));

    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    SignedJWT forged =
        new SignedJWT(
            new JWSHeader(JWSAlgorithm.RS256),
            new JWTClaimsSet.Builder()
                .issuer("mailbridge")
                .subject(admin.id())
                .claim("upn", admin.id())
                .claim("groups", List.of("ADMIN"))
                .claim("org", admin.orgId())
                .jwtID("forged")
                .issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plusSeconds(600)))
                .build());
    forged.sign(new RSASSASigner(generator.generateKeyPair().getPrivate()));
    assertUnauthorized(api().get("/api/auth/me", forged.serialize()));
  }

  @Test
  void adminManagesUsersWithFieldLevelValidation() {
    AppUser admin = testOrgs.orgWithAdmin("Admin users");
    String token = api().accessToken(admin.email(), TestOrgs.PASSWORD);
    String email = TestOrgs.uniqueEmail("rep");

    Reply created =
        api()
            .post("/api/admin/users", token, userBody(email, "Rep One", "USER", TestOrgs.PASSWORD));
    assertEquals(201, created.status(), created.body());
    JsonObject rep = created.json();
    assertEquals(email, rep.getString("email"));
    assertEquals("USER", rep.getString("role"));
    assertFalse(rep.getBoolean("disabled"));
    assertTrue(
        created.raw().headers().firstValue("Location").orElse("").endsWith(rep.getString("id")));

    Reply duplicate =
        api()
            .post(
                "/api/admin/users",
                token,
                userBody(email.toUpperCase(), "Rep Two", "USER", TestOrgs.PASSWORD));
    assertEquals(409, duplicate.status());
    assertEquals("email_taken", duplicate.error());

    assertInvalidField(
        api()
            .post(
                "/api/admin/users",
                token,
                userBody("not-an-address", "X", "USER", TestOrgs.PASSWORD)),
        "email");
    assertInvalidField(
        api()
            .post(
                "/api/admin/users",
                token,
                userBody(TestOrgs.uniqueEmail("x"), "X", "USER", "short")),
        "password");
    assertInvalidField(
        api()
            .post(
                "/api/admin/users",
                token,
                userBody(TestOrgs.uniqueEmail("x"), "X", "KING", TestOrgs.PASSWORD)),
        "role");
    assertInvalidField(
        api()
            .post(
                "/api/admin/users",
                token,
                userBody(TestOrgs.uniqueEmail("x"), " ", "USER", TestOrgs.PASSWORD)),
        "displayName");

    Reply page1 = api().get("/api/admin/users?limit=1", token);
    assertEquals(200, page1.status(), page1.body());
    assertEquals(1, page1.json().getJsonArray("items").size());
    String next = page1.json().getString("next");
    Reply page2 = api().get("/api/admin/users?limit=1&cursor=" + next, token);
    assertEquals(1, page2.json().getJsonArray("items").size());
    assertTrue(page2.json().isNull("next"), "two users, two pages");
    assertNotEquals(
        page1.json().getJsonArray("items").getJsonObject(0).getString("id"),
        page2.json().getJsonArray("items").getJsonObject(0).getString("id"));
    assertEquals(400, api().get("/api/admin/users?limit=0", token).status());

    // exact lookup through the blind index: case and spaces ignored, other orgs not found
    Reply byEmail =
        api()
            .get(
                "/api/admin/users?limit=1&email="
                    + java.net.URLEncoder.encode(
                        " " + email.toUpperCase(java.util.Locale.ROOT) + " ",
                        java.nio.charset.StandardCharsets.UTF_8),
                token);
    assertEquals(200, byEmail.status(), byEmail.body());
    assertEquals(1, byEmail.json().getJsonArray("items").size());
    assertEquals(
        rep.getString("id"), byEmail.json().getJsonArray("items").getJsonObject(0).getString("id"));
    assertTrue(byEmail.json().isNull("next"));
    Reply partial = api().get("/api/admin/users?email=" + email.substring(1), token);
    assertEquals(0, partial.json().getJsonArray("items").size(), "no partial match");
    AppUser foreign = testOrgs.orgWithAdmin("Other org users");
    Reply elsewhere = api().get("/api/admin/users?email=" + foreign.email(), token);
    assertEquals(0, elsewhere.json().getJsonArray("items").size(), "another org's user is unseen");
    assertInvalidField(api().get("/api/admin/users?email=" + "a".repeat(321), token), "email");

    String repId = rep.getString("id");
    Reply renamed =
        api()
            .patch(
                "/api/admin/users/" + repId,
                token,
                "{\"displayName\":\"Rep Renamed\",\"role\":\"ADMIN\"}");
    assertEquals(200, renamed.status(), renamed.body());
    assertEquals("Rep Renamed", renamed.json().getString("displayName"));
    assertEquals("ADMIN", api().get("/api/admin/users/" + repId, token).json().getString("role"));

    Reply selfDisable = api().patch("/api/admin/users/" + admin.id(), token, "{\"disabled\":true}");
    assertEquals(400, selfDisable.status());
    assertEquals("cannot_disable_self", selfDisable.error());
  }

  @Test
  void aUserIsNotAnAdmin() {
    AppUser admin = testOrgs.orgWithAdmin("Roles");
    AppUser rep = testOrgs.user(admin.orgId(), "USER", "plain rep");
    String repToken = api().accessToken(rep.email(), TestOrgs.PASSWORD);
    Reply denied = api().get("/api/admin/users", repToken);
    assertEquals(403, denied.status(), denied.body());
    assertEquals("forbidden", denied.error());
    assertEquals(200, api().get("/api/auth/me", repToken).status());
  }

  @Test
  void disablingAUserEndsItsAccessImmediately() {
    AppUser admin = testOrgs.orgWithAdmin("Disable");
    AppUser rep = testOrgs.user(admin.orgId(), "USER", "to disable");
    String adminToken = api().accessToken(admin.email(), TestOrgs.PASSWORD);
    JsonObject repTokens = api().login(rep.email(), TestOrgs.PASSWORD);

    Reply disabled = api().patch("/api/admin/users/" + rep.id(), adminToken, "{\"disabled\":true}");
    assertEquals(200, disabled.status(), disabled.body());
    assertTrue(disabled.json().getBoolean("disabled"));

    assertUnauthorized(api().get("/api/auth/me", repTokens.getString("accessToken")));
    assertEquals(
        401,
        api()
            .post("/api/auth/refresh", null, refreshBody(repTokens.getString("refreshToken")))
            .status());
    assertEquals(
        401,
        api()
            .post("/api/auth/login", null, ApiClient.credentials(rep.email(), TestOrgs.PASSWORD))
            .status());

    assertEquals(
        200,
        api().patch("/api/admin/users/" + rep.id(), adminToken, "{\"disabled\":false}").status());
    assertNotNull(api().accessToken(rep.email(), TestOrgs.PASSWORD));
  }

  @Test
  void anotherOrgsUsersAreNotFound() {
    AppUser adminA = testOrgs.orgWithAdmin("Org A");
    AppUser repA = testOrgs.user(adminA.orgId(), "USER", "rep of A");
    AppUser adminB = testOrgs.orgWithAdmin("Org B");
    String tokenB = api().accessToken(adminB.email(), TestOrgs.PASSWORD);

    for (String foreignId : List.of(repA.id(), adminA.id())) {
      Reply get = api().get("/api/admin/users/" + foreignId, tokenB);
      assertEquals(404, get.status(), get.body());
      assertEquals("not_found", get.error());
      Reply patch = api().patch("/api/admin/users/" + foreignId, tokenB, "{\"disabled\":true}");
      assertEquals(404, patch.status(), patch.body());
    }
    Reply list = api().get("/api/admin/users?limit=200", tokenB);
    assertEquals(1, list.json().getJsonArray("items").size(), "B sees only its own admin");
    assertEquals(adminB.id(), list.json().getJsonArray("items").getJsonObject(0).getString("id"));

    // The refused disable did nothing.
    String tokenA = api().accessToken(repA.email(), TestOrgs.PASSWORD);
    assertEquals(200, api().get("/api/auth/me", tokenA).status());
  }

  @Test
  void repeatedFailuresForOneAccountAreThrottled() {
    AppUser admin = testOrgs.orgWithAdmin("Throttle");
    for (int i = 0; i < 5; i++) {
      assertEquals(
          401,
          api()
              .post(
                  "/api/auth/login",
                  null,
                  ApiClient.credentials(admin.email(), "wrong password " + i))
              .status());
    }
    Reply throttled =
        api()
            .post("/api/auth/login", null, ApiClient.credentials(admin.email(), TestOrgs.PASSWORD));
    assertEquals(
        429, throttled.status(), "even the right password waits once the limit is reached");
    assertEquals("too_many_requests", throttled.error());
    long retryAfter =
        Long.parseLong(throttled.raw().headers().firstValue("Retry-After").orElseThrow());
    assertTrue(retryAfter > 0 && retryAfter <= 15 * 60, "Retry-After " + retryAfter);

    // Other accounts are not locked out by it.
    AppUser other = testOrgs.orgWithAdmin("Not throttled");
    assertNull(api().login(other.email(), TestOrgs.PASSWORD).get("error"));
  }

  private static void assertUnauthorized(Reply reply) {
    assertEquals(401, reply.status(), reply.body());
    assertEquals("unauthorized", reply.error());
  }

  private static void assertInvalidField(Reply reply, String field) {
    assertEquals(400, reply.status(), reply.body());
    assertEquals("invalid_field", reply.error());
    assertTrue(reply.json().getString("message").startsWith(field + ":"), reply.body());
  }

  private static String refreshBody(String token) {
    return "{\"refreshToken\":\"" + token + "\"}";
  }

  private static String userBody(String email, String name, String role, String password) {
    return jakarta.json.Json.createObjectBuilder()
        .add("email", email)
        .add("displayName", name)
        .add("role", role)
        .add("password", password)
        .build()
        .toString();
  }
}

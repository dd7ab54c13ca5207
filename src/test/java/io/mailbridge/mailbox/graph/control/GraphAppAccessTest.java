package io.mailbridge.mailbox.graph.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.mailbox.control.AppAccessRefused;
import io.mailbridge.mailbox.control.TokenEndpointError;
import io.mailbridge.mailbox.control.TokenGrant;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GraphAppAccessTest {

  private static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");

  private static GraphAppAccess access(Instant now) {
    GraphAppAccess access = new GraphAppAccess();
    access.renewBefore = Duration.ofMinutes(5);
    access.refusalPause = Duration.ofMinutes(5);
    access.clock = Clock.fixed(now, ZoneOffset.UTC);
    return access;
  }

  @Test
  void aTokenIsHeldUntilShortlyBeforeItEndsThenFetchedAgain() {
    AtomicInteger asked = new AtomicInteger();
    GraphAppAccess.TokenRequest entra =
        () ->
            new TokenGrant(
                "app-" + asked.incrementAndGet(), T0.plusSeconds(3600), null, List.of(), null);
    GraphAppAccess access = access(T0);
    assertEquals("app-1", access.held("org|client|tenant", entra));
    assertEquals("app-1", access.held("org|client|tenant", entra));
    assertEquals(1, asked.get());
    access.clock = Clock.fixed(T0.plusSeconds(3600 - 299), ZoneOffset.UTC);
    assertEquals("app-2", access.held("org|client|tenant", entra));
    assertEquals("app-3", access.held("org|other-client|tenant", entra), "another app: its own");
  }

  @Test
  void aRefusalIsHeldForThePauseSoManyMailboxesDoNotAskEntraAgain() {
    AtomicInteger asked = new AtomicInteger();
    GraphAppAccess.TokenRequest revoked =
        () -> {
          asked.incrementAndGet();
          throw new TokenEndpointError(
              400,
              "unauthorized_client",
              "AADSTS700016: Application with identifier 'x' was not found in the directory 'y'.");
        };
    GraphAppAccess access = access(T0);
    AppAccessRefused first =
        assertThrows(AppAccessRefused.class, () -> access.held("org|client|tenant", revoked));
    for (int mailbox = 0; mailbox < 100; mailbox++) {
      assertThrows(AppAccessRefused.class, () -> access.held("org|client|tenant", revoked));
    }
    assertEquals(1, asked.get(), "one request to Entra per pause, not one per mailbox");
    assertTrue(first.getMessage().contains("consent"), first.getMessage());
    assertTrue(first.getMessage().contains("AADSTS700016"), first.getMessage());
    access.clock = Clock.fixed(T0.plus(Duration.ofMinutes(5)).plusSeconds(1), ZoneOffset.UTC);
    assertThrows(AppAccessRefused.class, () -> access.held("org|client|tenant", revoked));
    assertEquals(2, asked.get(), "after the pause Entra is asked again");
  }

  @Test
  void refusalsAreSaidInWordsWithTheCodeAndNeverTheSecret() {
    AppAccessRefused secret =
        GraphAppAccess.refusal(
            new TokenEndpointError(
                401,
                "invalid_client",
                "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent"
                    + " in the request is the client secret value."));
    assertTrue(secret.getMessage().startsWith("Microsoft refused the app's client secret"));
    assertTrue(secret.getMessage().endsWith("[AADSTS7000215]"));
    AppAccessRefused disabled =
        GraphAppAccess.refusal(
            new TokenEndpointError(400, "unauthorized_client", "AADSTS7000112: disabled."));
    assertTrue(disabled.getMessage().contains("disabled"));
    AppAccessRefused other =
        GraphAppAccess.refusal(new TokenEndpointError(400, "invalid_request", null));
    assertEquals("Microsoft refused the app-only token (invalid_request)", other.getMessage());
    assertFalse(other.getMessage().contains("["));
  }
}

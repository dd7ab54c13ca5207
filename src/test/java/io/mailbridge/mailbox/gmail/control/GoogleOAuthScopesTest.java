package io.mailbridge.mailbox.gmail.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which scopes a Google connection asks for, and which of them availability needs. */
class GoogleOAuthScopesTest {

  private static final String AUTH = "https://www.googleapis.com/auth/";

  private final GoogleOAuth oauth = new GoogleOAuth();

  @Test
  void aNewConnectionAsksForTheCalendarButRequiresOnlyGmail() {
    assertEquals(
        List.of(
            "openid",
            "email",
            AUTH + "gmail.modify",
            AUTH + "calendar.freebusy",
            AUTH + "calendar.events.owned",
            AUTH + "contacts"),
        oauth.requestedScopes());
    assertEquals(List.of(AUTH + "gmail.modify"), oauth.requiredScopes());
  }

  @Test
  void theCalendarNeedsBothFreeBusyAndOwnedEvents() {
    assertFalse(oauth.canUseCalendar(List.of("openid", AUTH + "gmail.modify")));
    assertFalse(oauth.canUseCalendar(List.of(AUTH + "gmail.modify", AUTH + "calendar.freebusy")));
    assertFalse(
        oauth.canUseCalendar(List.of(AUTH + "gmail.modify", AUTH + "calendar.events.owned")));
    assertTrue(
        oauth.canUseCalendar(
            List.of(
                AUTH + "gmail.modify",
                AUTH + "calendar.freebusy",
                AUTH + "calendar.events.owned")));
    // Sending needs nothing beyond gmail.modify.
    assertTrue(oauth.canSend(List.of(AUTH + "gmail.modify")));
  }
}

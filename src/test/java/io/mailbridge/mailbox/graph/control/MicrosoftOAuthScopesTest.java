package io.mailbridge.mailbox.graph.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which scopes a Microsoft connection asks for when connecting and when refreshing. */
class MicrosoftOAuthScopesTest {

  private static final String G = "https://graph.microsoft.com/";

  private final MicrosoftOAuth oauth = new MicrosoftOAuth();

  @Test
  void aNewConnectionAsksForSendingButDoesNotRequireIt() {
    assertEquals(
        List.of(
            "openid",
            "email",
            "profile",
            "offline_access",
            G + "Mail.ReadWrite.Shared",
            G + "User.Read",
            G + "Mail.Send",
            G + "Contacts.ReadWrite",
            G + "Calendars.ReadWrite"),
        oauth.requestedScopes());
    assertEquals(List.of(G + "Mail.ReadWrite.Shared", G + "User.Read"), oauth.requiredScopes());
  }

  @Test
  void aRefreshNeverAsksForSendingWhenTheConnectionWasNotGrantedIt() {
    List<String> before = List.of(G + "mail.readwrite.shared", G + "user.read", "openid");
    assertFalse(oauth.refreshScopes(before).contains(G + "Mail.Send"));
    assertEquals(
        List.of(
            "openid",
            "email",
            "profile",
            "offline_access",
            G + "Mail.ReadWrite.Shared",
            G + "User.Read"),
        oauth.refreshScopes(before));
    // A connection stored without scopes asks what every connection was granted.
    assertEquals(oauth.refreshScopes(before), oauth.refreshScopes(List.of()));
    assertEquals(oauth.refreshScopes(before), oauth.refreshScopes(null));
  }

  @Test
  void aRefreshKeepsAskingForSendingOnceGrantedHoweverEntraSpellsIt() {
    for (String spelled : List.of(G + "mail.send", "Mail.Send", "MAIL.SEND")) {
      List<String> granted = List.of(G + "mail.readwrite.shared", G + "user.read", spelled);
      assertTrue(oauth.refreshScopes(granted).contains(G + "Mail.Send"), spelled);
    }
  }

  @Test
  void aRefreshAsksForContactsOnlyWhenTheConnectionWasGrantedThem() {
    List<String> before = List.of(G + "mail.readwrite.shared", G + "user.read");
    assertFalse(oauth.refreshScopes(before).contains(G + "Contacts.ReadWrite"));
    List<String> granted =
        List.of(G + "mail.readwrite.shared", G + "user.read", "contacts.readwrite");
    assertTrue(oauth.refreshScopes(granted).contains(G + "Contacts.ReadWrite"));
  }

  @Test
  void onlyAConnectionGrantedMailSendCanSend() {
    assertFalse(oauth.canSend(List.of(G + "mail.readwrite.shared", G + "user.read")));
    assertFalse(oauth.canSend(List.of()));
    assertFalse(oauth.canSend(List.of(G + "mail.sendshared")));
    assertTrue(oauth.canSend(List.of(G + "mail.readwrite.shared", G + "mail.send")));
  }

  @Test
  void aRefreshAsksForTheCalendarOnlyWhenTheConnectionWasGrantedIt() {
    List<String> before = List.of(G + "mail.readwrite.shared", G + "user.read", G + "mail.send");
    assertFalse(oauth.refreshScopes(before).contains(G + "Calendars.ReadWrite"));
    List<String> granted =
        List.of(G + "mail.readwrite.shared", G + "user.read", G + "calendars.readwrite");
    assertTrue(oauth.refreshScopes(granted).contains(G + "Calendars.ReadWrite"));
  }

  @Test
  void onlyAConnectionGrantedCalendarsReadWriteCanUseItsCalendar() {
    assertFalse(oauth.canUseCalendar(List.of(G + "mail.readwrite.shared", G + "mail.send")));
    // Reading alone would answer getSchedule but not create the booked meeting.
    assertFalse(oauth.canUseCalendar(List.of(G + "calendars.read")));
    assertFalse(oauth.canUseCalendar(List.of(G + "calendars.readwrite.shared")));
    assertTrue(oauth.canUseCalendar(List.of(G + "mail.readwrite.shared", "Calendars.ReadWrite")));
  }
}

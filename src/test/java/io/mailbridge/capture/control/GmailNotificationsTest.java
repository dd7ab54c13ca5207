package io.mailbridge.capture.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class GmailNotificationsTest {

  private static JsonObject json(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }

  private static JsonObject envelope(String data) {
    return json(
        "{\"message\":{\"data\":\""
            + data
            + "\",\"messageId\":\"2070443601311540\",\"publishTime\":\"2026-11-30T10:00:00Z\"},"
            + "\"subscription\":\"projects/p/subscriptions/s\"}");
  }

  private static String base64(String json) {
    return Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theAddressComesFromTheBase64DataLowerCased() {
    assertEquals(
        "rep@example.com",
        GmailNotifications.addressOf(
            envelope(base64("{\"emailAddress\":\" Rep@Example.com\",\"historyId\":9876543210}"))));
  }

  @Test
  void anEnvelopeWithoutAUsableAddressNamesNoMailbox() {
    assertNull(GmailNotifications.addressOf(json("{}")));
    assertNull(GmailNotifications.addressOf(json("{\"message\":{\"data\":42}}")));
    assertNull(GmailNotifications.addressOf(envelope("%%%not-base64")));
    assertNull(GmailNotifications.addressOf(envelope(base64("not json"))));
    assertNull(GmailNotifications.addressOf(envelope(base64("[1]"))));
    assertNull(GmailNotifications.addressOf(envelope(base64("{\"historyId\":1}"))));
    assertNull(GmailNotifications.addressOf(envelope(base64("{\"emailAddress\":\"nobody\"}"))));
  }
}

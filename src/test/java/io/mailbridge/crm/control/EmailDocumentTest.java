package io.mailbridge.crm.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.mailbridge.message.MailAddress;
import io.mailbridge.message.MailMessage;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EmailDocumentTest {

  @Test
  void everyCharacterIsWrittenAsParssonWritesIt() {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0x100; c++) {
      all.append(c);
    }
    all.append("\u2028\u2029/\uD83D\uDE00\uFFFF");
    MailMessage m = message(all.toString(), all.toString(), "<p>" + all + "</p>", 1);
    assertSameAsParsson(m);
    JsonObject read = Json.createReader(new StringReader(document(m, "x"))).readObject();
    assertEquals(all.toString(), read.getString("subject"));
    assertEquals(all.toString(), read.getString("bodyText"));
  }

  @Test
  void aSurrogateWithoutItsOtherHalfIsWrittenAsUtf8WritesIt() {
    String halves = "a\uD83D" + "b\uDE00c\uD83D";
    MailMessage m = message(halves, halves + "\u0001".repeat(5000), null, 2);
    assertSameAsParsson(m);
    JsonObject read = Json.createReader(new StringReader(document(m, null))).readObject();
    assertEquals("a?b?c?", read.getString("subject"));
  }

  @Test
  void absentValuesAreNullAndListsKeepTheirOrder() {
    MailMessage bare =
        new MailMessage(
            "graph", "AAMk1", null, null, null, null, null, null, null, false, null, null, null,
            null, 0, null);
    assertSameAsParsson(bare);
    assertEquals(
        "{\"provider\":\"graph\",\"providerItemId\":\"AAMk1\",\"internetMessageId\":null,"
            + "\"threadId\":null,\"subject\":null,\"from\":null,\"to\":[],\"cc\":[],\"bcc\":[],"
            + "\"sentAt\":null,\"receivedAt\":null,\"bodyText\":null,\"bodyHtml\":null,"
            + "\"size\":0}",
        document(bare, null));
  }

  @Test
  void randomMessagesMatchParsson() {
    Random random = new Random(42);
    for (int n = 0; n < 500; n++) {
      MailMessage m =
          message(
              text(random, 40),
              random.nextInt(5) == 0 ? null : text(random, 3000),
              random.nextInt(3) == 0 ? null : text(random, 3000),
              random.nextLong() & Long.MAX_VALUE);
      assertSameAsParsson(m);
    }
  }

  private static MailMessage message(String subject, String text, String html, long size) {
    List<MailAddress> to = new ArrayList<>();
    to.add(new MailAddress("a@example.com", subject));
    to.add(new MailAddress("b\"q\\@example.com", null));
    return new MailMessage(
        "gmail",
        "18c2f\"\\",
        "<id\n@example.com>",
        "t\u0001",
        subject,
        new MailAddress("from@example.com", "Ann \"the\" Rep"),
        to,
        List.of(new MailAddress("c@example.com", "Çé")),
        List.of(new MailAddress("d@example.com", null)),
        true,
        Instant.parse("2026-11-02T10:15:30.123Z"),
        Instant.parse("2026-11-02T10:15:31Z"),
        text,
        html,
        size,
        List.of());
  }

  private static String text(Random random, int most) {
    StringBuilder out = new StringBuilder();
    int length = random.nextInt(most);
    for (int i = 0; i < length; i++) {
      int kind = random.nextInt(10);
      out.append(
          (char)
              switch (kind) {
                case 0 -> random.nextInt(0x20);
                case 1 -> "\"\\/".charAt(random.nextInt(3));
                case 2 -> 0x80 + random.nextInt(0xFF80);
                default -> 0x20 + random.nextInt(0x5F);
              });
    }
    return out.toString();
  }

  /**
   * The same bytes as Parsson's text encoded as UTF-8 (the random texts hold surrogates without
   * their other half, which that encoding makes {@code ?}).
   */
  private static void assertSameAsParsson(MailMessage m) {
    String html = m.htmlBody();
    byte[] expected = parsson(m, html).getBytes(StandardCharsets.UTF_8);
    byte[] written = EmailDocument.of(m, html);
    assertEquals(
        new String(expected, StandardCharsets.UTF_8), new String(written, StandardCharsets.UTF_8));
    assertArrayEquals(expected, written);
  }

  private static String document(MailMessage m, String html) {
    return new String(EmailDocument.of(m, html), StandardCharsets.UTF_8);
  }

  /** The document as the CRM wrote it before, through Parsson's builders. */
  private static String parsson(MailMessage m, String html) {
    JsonObjectBuilder json = CrmJson.object();
    json.add("provider", m.provider());
    CrmJson.addNullable(json, "providerItemId", m.providerItemId());
    CrmJson.addNullable(json, "internetMessageId", m.internetMessageId());
    CrmJson.addNullable(json, "threadId", m.threadId());
    CrmJson.addNullable(json, "subject", m.subject());
    if (m.from() == null) {
      json.addNull("from");
    } else {
      json.add("from", address(m.from()));
    }
    json.add("to", addresses(m.to()));
    json.add("cc", addresses(m.cc()));
    json.add("bcc", addresses(m.bcc()));
    CrmJson.addNullable(json, "sentAt", m.sentAt() == null ? null : m.sentAt().toString());
    CrmJson.addNullable(
        json, "receivedAt", m.receivedAt() == null ? null : m.receivedAt().toString());
    CrmJson.addNullable(json, "bodyText", m.textBody());
    CrmJson.addNullable(json, "bodyHtml", html);
    json.add("size", m.size());
    return json.build().toString();
  }

  private static JsonObjectBuilder address(MailAddress address) {
    JsonObjectBuilder json = CrmJson.object().add("email", address.email());
    CrmJson.addNullable(json, "name", address.name());
    return json;
  }

  private static JsonArrayBuilder addresses(List<MailAddress> list) {
    JsonArrayBuilder array = CrmJson.array();
    list.forEach(a -> array.add(address(a)));
    return array;
  }
}

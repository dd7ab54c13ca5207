package io.mailbridge.mailbox.gmail.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.gmail.model.Message;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@link GmailMessageParser} reads what the SDK's reflective parser reads, for the shapes Gmail
 * documents for {@code users.messages.get} (developers.google.com/gmail/api/reference/rest/v1/
 * users.messages): {@code format=raw}, {@code metadata} and {@code full} with nested parts.
 */
class GmailMessageParserTest {

  private static final String FULL =
      """
      {
        "id": "18c1f2a3b4c5d6e7",
        "threadId": "18c1f2a3b4c5d6e7",
        "labelIds": ["SENT", "INBOX"],
        "snippet": "Here is the quote &amp; the deck",
        "payload": {
          "partId": "",
          "mimeType": "multipart/mixed",
          "filename": "",
          "headers": [
            {"name": "From", "value": "Alice Example <alice@example.com>"},
            {"name": "To", "value": "\\"Buyer, Bob\\" <bob@contoso.com>"},
            {"name": "Subject", "value": "Quote \\u00e9t\\u00e9 \\ud83d\\ude00"},
            {"name": "Message-ID", "value": "<CAB7@mail.example.com>"}
          ],
          "body": {"size": 0},
          "parts": [
            {
              "partId": "0",
              "mimeType": "multipart/alternative",
              "filename": "",
              "headers": [{"name": "Content-Type", "value": "multipart/alternative; b=x"}],
              "body": {"size": 0},
              "parts": [
                {"partId": "0.0", "mimeType": "text/plain", "filename": "",
                 "headers": [], "body": {"size": 5, "data": "SGVsbG8"}},
                {"partId": "0.1", "mimeType": "text/html", "filename": "",
                 "body": {"size": 12, "data": "PGI-SGVsbG88L2I-"}}
              ]
            },
            {
              "partId": "1",
              "mimeType": "application/pdf",
              "filename": "quote.pdf",
              "headers": [{"name": "Content-Disposition", "value": "attachment"}],
              "body": {"attachmentId": "ANGjdJ8w", "size": 1048576}
            }
          ]
        },
        "sizeEstimate": 1049999,
        "historyId": "2419873",
        "internalDate": "1748941509000"
      }
      """;

  private static final String METADATA =
      """
      {"id": "a1", "threadId": "t1", "labelIds": ["INBOX", "CATEGORY_UPDATES"],
       "snippet": "", "payload": {"mimeType": "text/plain", "headers": [
         {"name": "List-Unsubscribe", "value": "<mailto:u@example.com>"}]},
       "sizeEstimate": 321, "historyId": "77", "internalDate": "1700000000000"}
      """;

  private static final String RAW =
      """
      {"id": "r1", "threadId": "r1", "labelIds": ["SENT"], "snippet": "Hi",
       "sizeEstimate": 120, "historyId": "9007199254740993", "internalDate": "1748941509000",
       "raw": "U3ViamVjdDogSGkNCg0KSGk-Pz8_"}
      """;

  private static Message sdk(String json) throws IOException {
    return GsonFactory.getDefaultInstance().fromString(json, Message.class);
  }

  private static Message ours(String json) throws IOException {
    return GmailMessageParser.read(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsWhatTheSdkReadsForEachDocumentedFormat() throws IOException {
    for (String json : new String[] {FULL, METADATA, RAW, "{}"}) {
      Message expected = sdk(json);
      Message actual = ours(json);
      assertEquals(expected.toPrettyString(), actual.toPrettyString());
      assertEquals(expected, actual, json);
    }
    Message full = ours(FULL);
    assertEquals(Long.valueOf(1748941509000L), full.getInternalDate());
    assertEquals(BigInteger.valueOf(2419873), full.getHistoryId());
    assertEquals("Quote été 😀", full.getPayload().getHeaders().get(2).getValue());
    assertEquals("0.1", full.getPayload().getParts().get(0).getParts().get(1).getPartId());
    assertEquals(1048576, full.getPayload().getParts().get(1).getBody().getSize());
  }

  @Test
  void skipsFieldsItDoesNotKnowAndNulls() throws IOException {
    Message message =
        ours(
            """
            {"id": "a1", "classificationLabelValues": [{"labelId": "x", "fields": [{"a": 1}]}],
             "snippet": null, "historyId": 12, "internalDate": 1700000000000,
             "payload": {"partId": "", "future": {"deep": [1, [2, {"x": null}]]},
                         "body": {"size": 3, "data": "YWJj", "extra": true}}}
            """);
    assertEquals("a1", message.getId());
    assertNull(message.getSnippet());
    assertEquals(BigInteger.valueOf(12), message.getHistoryId());
    assertEquals(1700000000000L, message.getInternalDate());
    assertEquals("YWJj", message.getPayload().getBody().getData());
    assertNull(message.get("classificationLabelValues"));
  }

  @Test
  void answersThatAreNotAMessageAreAnIOException() {
    for (String bad :
        new String[] {
          "",
          "null",
          "[]",
          "\"x\"",
          "42",
          "{\"id\": {}}",
          "{\"sizeEstimate\": \"many\"}",
          "{\"payload\": []}",
          "{\"id\": \"a\"} trailing",
          "{\"id\": \"a\"",
          "{\"id\": \"a",
          "{\"id\": \"a\\q\"}",
          "{\"id\": \"\\u00zz\"}",
          "{\"future\": [1,]}",
          "{\"future\": tru}",
          "{\"future\": {\"a\" 1}}",
          "{\"sizeEstimate\": 1.5}",
          "{\"sizeEstimate\": 99999999999}",
          "{\"historyId\": \"12x\"}",
          "{\"id\": \"a\" \"b\": \"c\"}"
        }) {
      assertThrows(IOException.class, () -> ours(bad), bad);
    }
  }

  @Test
  void nestingDeeperThanAnyGmailAnswerIsRefusedNotFollowed() {
    String deepUnknown = "{\"future\": " + "[".repeat(100_000) + "]".repeat(100_000) + "}";
    String deepParts =
        "{\"payload\": " + "{\"parts\": [".repeat(10_000) + "{}" + "]}".repeat(10_000) + "}";
    assertThrows(IOException.class, () -> ours(deepUnknown));
    assertThrows(IOException.class, () -> ours(deepParts));
  }

  @Test
  void readsUtf8AndEscapesAsTheSdkDoes() throws IOException {
    String json =
        "{\"id\": \"\\u0041\\t\\\"x\\\"\\/\", \"snippet\": \"Grüße, Zoë — 👍 \\ud83d\\ude00\","
            + " \"payload\": {\"headers\": [{\"name\": \"Subject\","
            + " \"value\": \"Re: café \\u00e9\\b\\f\\n\\r\"}],"
            + " \"body\": {\"size\": 3, \"data\": \"YWJj\"}}}";
    Message expected = sdk(json);
    assertEquals(expected, ours(json));
    assertEquals("A\t\"x\"/", ours(json).getId());
    assertEquals("Grüße, Zoë — 👍 😀", ours(json).getSnippet());
    assertEquals(3, ours(json).getPayload().getBody().getSize());
  }
}

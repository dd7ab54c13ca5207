package io.mailbridge.mailbox.gmail.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.api.services.gmail.model.Message;
import io.mailbridge.mailbox.control.ProviderBusy;
import io.mailbridge.platform.problem.NotFound;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class GmailBatchTest {

  private static final String TYPE = "multipart/mixed; boundary=batch_7Xp52oGIwpA_AAEAc7ERnGU";
  private static final String DELIMITER = "--batch_7Xp52oGIwpA_AAEAc7ERnGU";

  @Test
  void eachCallIsAGetPartNamedByItsPlace() {
    String body =
        new String(
            GmailBatch.request(
                "b1",
                List.of(
                    "https://gmail.googleapis.com/gmail/v1/users/me/messages/18c1?format=full",
                    "https://gmail.googleapis.com/gmail/v1/users/me/messages/18c2?format=full")),
            StandardCharsets.US_ASCII);
    assertEquals(
        "--b1\r\nContent-Type: application/http\r\nContent-ID: <item-0>\r\n\r\n"
            + "GET https://gmail.googleapis.com/gmail/v1/users/me/messages/18c1?format=full\r\n\r\n"
            + "--b1\r\nContent-Type: application/http\r\nContent-ID: <item-1>\r\n\r\n"
            + "GET https://gmail.googleapis.com/gmail/v1/users/me/messages/18c2?format=full\r\n\r\n"
            + "--b1--\r\n",
        body);
    assertThrows(IllegalArgumentException.class, () -> GmailBatch.request("b", List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> GmailBatch.request("b", Collections.nCopies(101, "https://x/")));
  }

  @Test
  void answersInAnyOrderAreMatchedByContentIdWithGooglesLayout() throws IOException {
    // As Google answers (guides/batch): pretty-printed JSON, headers in each response, CRLF.
    String answer =
        DELIMITER
            + "\r\nContent-Type: application/http\r\nContent-ID: <response-item-1>\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=UTF-8\r\n"
            + "ETag: \"A-Dd\"\r\nContent-Length: 99\r\n\r\n"
            + "{\n  \"id\": \"18c2\",\n  \"threadId\": \"18c0\",\n  \"labelIds\": [\n    \"SENT\"\n"
            + "  ],\n  \"snippet\": \"see\\n"
            + DELIMITER
            + " inside a value\"\n}\n\r\n"
            + DELIMITER
            + "\r\nContent-Type: application/http\r\nContent-ID: <response-item-0>\r\n\r\n"
            + "HTTP/1.1 404 Not Found\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
            + "{\n  \"error\": {\n    \"code\": 404,\n    \"message\": \"Requested entity was not"
            + " found.\",\n    \"errors\": [{\"reason\": \"notFound\"}],\n"
            + "    \"status\": \"NOT_FOUND\"\n  }\n}\n\r\n"
            + DELIMITER
            + "\r\nContent-Type: application/http\r\nContent-ID: <response-item-3>\r\n\r\n"
            + "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\n\r\n"
            + "{\"error\": {\"code\": 429, \"message\": \"User-rate limit exceeded\"}}\r\n"
            + DELIMITER
            + "--\r\n";
    Object[] answers = GmailBatch.answers(bytes(answer), TYPE, 4);
    assertInstanceOf(NotFound.class, answers[0]);
    Message second = assertInstanceOf(Message.class, answers[1]);
    assertEquals("18c2", second.getId());
    assertEquals(List.of("SENT"), second.getLabelIds());
    assertEquals("see\n" + DELIMITER + " inside a value", second.getSnippet());
    assertNull(answers[2], "a call Google left unanswered");
    ProviderBusy busy = assertInstanceOf(ProviderBusy.class, answers[3]);
    assertEquals(Duration.ofSeconds(7), busy.retryAfter());
  }

  @Test
  void partsWithoutContentIdLineFeedsAndAQuotedBoundaryAreReadByPlace() throws IOException {
    String answer =
        "preamble\n--b\"2\nContent-Type: application/http\n\nHTTP/1.1 200 OK\n\n{\"id\":\"a\"}\n"
            + "--b\"2\nContent-Type: application/http\n\nHTTP/1.1 200 OK\n\n{\"id\":\"b\"}\n"
            + "--b\"2--\nepilogue";
    // A boundary may be quoted; this one holds a quote only in the test's wire form.
    Object[] answers =
        GmailBatch.answers(
            bytes(answer.replace("b\"2", "b 2")), "multipart/mixed; boundary=\"b 2\"", 2);
    assertEquals("a", ((Message) answers[0]).getId());
    assertEquals("b", ((Message) answers[1]).getId());
  }

  @Test
  void whatIsNotABatchAnswerIsRefused() {
    String part =
        DELIMITER + "\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 200 OK\r\n\r\n{}\r\n";
    List<Object[]> bad =
        List.of(
            new Object[] {part + DELIMITER + "--", "application/json"},
            new Object[] {part + DELIMITER + "--", null},
            new Object[] {part + DELIMITER + "--", "multipart/mixed"},
            new Object[] {part, TYPE}, // cut short
            new Object[] {
              DELIMITER
                  + "\r\nContent-Type: application/http\r\n\r\nnot http\r\n"
                  + DELIMITER
                  + "--",
              TYPE
            },
            new Object[] {
              DELIMITER
                  + "\r\nContent-ID: <response-item-9>\r\n\r\nHTTP/1.1 200 OK\r\n\r\n{}\r\n"
                  + DELIMITER
                  + "--",
              TYPE
            },
            new Object[] {
              DELIMITER
                  + "\r\nContent-ID: <response-item-x>\r\n\r\nHTTP/1.1 200 OK\r\n\r\n{}\r\n"
                  + DELIMITER
                  + "--",
              TYPE
            },
            new Object[] {
              DELIMITER + "\r\n\r\nHTTP/1.1 200 OK\r\n\r\n{\"id\": }\r\n" + DELIMITER + "--", TYPE
            },
            new Object[] {DELIMITER + "\r\nContent-Type: application/http", TYPE});
    for (Object[] answer : bad) {
      assertThrows(
          IOException.class,
          () -> GmailBatch.answers(bytes((String) answer[0]), (String) answer[1], 2),
          () -> answer[1] + ": " + answer[0]);
    }
  }

  @Test
  void aMessageIdIsOnePathSegment() {
    assertEquals("18c2f0a9", GmailChangeFeed.pathSegment("18c2f0a9"));
    assertEquals("a%2Fb%3Fc%20%C3%A9", GmailChangeFeed.pathSegment("a/b?c é"));
    assertEquals("%2E%2E", GmailChangeFeed.pathSegment(".."));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}

package io.mailbridge.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageMarksTest {

  @Test
  void readsOnlyTheMarkingHeadersOfTheHeaderBlock() {
    byte[] mime =
        ("From: News <news@fabrikam.example>\r\n"
                + "To: rep@ourco.example\r\n"
                + "Subject: Offers\r\n"
                + "List-Unsubscribe: <mailto:unsubscribe@fabrikam.example>\r\n"
                + "Precedence: bulk\r\n"
                + "Sensitivity: Company-Confidential\r\n"
                + "\r\n"
                + "Auto-Submitted: auto-generated\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    MessageMarks marks = MimeMail.marks(mime);
    assertEquals("<mailto:unsubscribe@fabrikam.example>", marks.header("List-Unsubscribe"));
    assertEquals("bulk", marks.header("precedence"));
    assertEquals("company-confidential", marks.sensitivity());
    assertNull(marks.header("Auto-Submitted"), "a body line is not a header");
    assertNull(marks.header("Subject"), "only the marking headers are kept");
  }

  @Test
  void marksFromTheMailboxWinOverThoseOfTheHeaders() {
    MessageMarks fromHeaders = new MessageMarks("private", List.of(), Map.of("Precedence", "list"));
    MessageMarks fromFeed = new MessageMarks(null, List.of("Red"), Map.of());
    MessageMarks merged = fromFeed.with(fromHeaders);
    assertEquals("private", merged.sensitivity());
    assertEquals(List.of("Red"), merged.categories());
    assertEquals("list", merged.header("Precedence"));
  }
}

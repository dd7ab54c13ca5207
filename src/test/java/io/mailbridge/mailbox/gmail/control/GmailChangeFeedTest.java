package io.mailbridge.mailbox.gmail.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.MessagePart;
import com.google.api.services.gmail.model.MessagePartHeader;
import io.mailbridge.mailbox.control.ItemChange;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GmailChangeFeedTest {

  private static MessagePartHeader header(String name, String value) {
    return new MessagePartHeader().setName(name).setValue(value);
  }

  @Test
  void metadataBecomesASummaryWithMarkingHeadersAndLabelNames() {
    Message meta =
        new Message()
            .setId("18c2")
            .setThreadId("18c0")
            .setLabelIds(List.of("SENT", "Label_9"))
            .setInternalDate(Instant.parse("2026-11-02T08:00:00Z").toEpochMilli())
            .setPayload(
                new MessagePart()
                    .setHeaders(
                        List.of(
                            header("From", "Rep <rep@ourco.example>"),
                            header("To", "Nora <nora@fabrikam.example>, x@y.example"),
                            header("Subject", "Offer"),
                            header("Message-ID", "<o1@ourco.example>"),
                            header("Precedence", "bulk"),
                            header("Sensitivity", "Private"))));
    ItemChange change = GmailChangeFeed.change(meta, Map.of("Label_9", "Do Not Capture"));
    assertEquals("<o1@ourco.example>", change.summary().internetMessageId());
    assertEquals("rep@ourco.example", change.summary().from().email());
    assertEquals(2, change.summary().to().size());
    assertTrue(change.summary().ownerSent(), "labelled SENT");
    assertEquals(Instant.parse("2026-11-02T08:00:00Z"), change.summary().receivedAt());
    assertEquals(List.of("SENT", "Do Not Capture"), change.marks().categories());
    assertEquals("bulk", change.marks().header("Precedence"));
    assertEquals("private", change.marks().sensitivity());
  }
}

package io.mailbridge.mailbox.gmail.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.services.gmail.model.Message;
import com.google.api.services.gmail.model.MessagePart;
import com.google.api.services.gmail.model.MessagePartHeader;
import io.mailbridge.mailbox.control.ItemChange;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.PacedLimit;
import io.mailbridge.mailbox.control.TestQuotas;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GmailChangeFeedTest {

  @Test
  void theCalendarIsPacedUnderGoogleCalendarsQuotaAndMailUnderGmails() {
    GmailChangeFeed feed = new GmailChangeFeed();
    feed.quotas = TestQuotas.of(100, 1000, 10); // Gmail 950 units, Calendar 9 requests a minute
    feed.gmail = new GmailMailbox();
    feed.gmail.messageGetUnits = 5;
    feed.pageSize = 100;
    MailboxAccess access = new MailboxAccess(MailboxKind.GMAIL, "org-1", "c1", null, () -> "token");
    assertEquals(PacedLimit.GOOGLE_CALENDAR, feed.limitOf(GmailChangeFeed.CALENDAR));
    assertEquals(PacedLimit.GMAIL, feed.limitOf("mail"));
    assertEquals(Duration.ZERO, feed.paceWait(access, GmailChangeFeed.CALENDAR));

    for (int i = 0; i < 9; i++) {
      feed.quotas.enter(PacedLimit.GOOGLE_CALENDAR, "c1", 1).close();
    }
    Duration calendar = feed.paceWait(access, GmailChangeFeed.CALENDAR);
    assertTrue(calendar.compareTo(Duration.ofSeconds(55)) > 0, calendar.toString());
    assertEquals(Duration.ZERO, feed.paceWait(access, "mail"), "Gmail's units are untouched");

    // and the other way round: mail's units spent, the calendar of another mailbox reads on
    feed.quotas.enter(PacedLimit.GMAIL, "c2", 900).close();
    MailboxAccess other = new MailboxAccess(MailboxKind.GMAIL, "org-1", "c2", null, () -> "t");
    assertTrue(feed.paceWait(other, "mail").compareTo(Duration.ofSeconds(55)) > 0);
    assertEquals(Duration.ZERO, feed.paceWait(other, GmailChangeFeed.CALENDAR));
  }

  @Test
  void aPageListsWhatTheMailboxsQuotaHasRoomForNowButNeverFewerThanFiveMessages() {
    GmailChangeFeed feed = new GmailChangeFeed();
    feed.quotas = TestQuotas.of(100, 2000, 10); // Gmail 1,900 units a minute
    feed.gmail = new GmailMailbox();
    feed.gmail.messageGetUnits = 5;
    feed.pageSize = 100;
    MailboxAccess access = new MailboxAccess(MailboxKind.GMAIL, "org-1", "c1", null, () -> "token");
    MailboxAccess other = new MailboxAccess(MailboxKind.GMAIL, "org-1", "c2", null, () -> "t");
    assertEquals(100, feed.messagesPerPage(access), "room for a whole page: the page size");

    feed.quotas.enter(PacedLimit.GMAIL, "c1", 1400).close();
    // 500 units left: 7 for the listing, at worst 10 for each message
    assertEquals(49, feed.messagesPerPage(access));
    assertEquals(Duration.ZERO, feed.paceWait(access, "mail"), "room for a smaller page");

    feed.quotas.enter(PacedLimit.GMAIL, "c1", 450).close();
    assertEquals(5, feed.messagesPerPage(access), "never fewer than five");
    Duration wait = feed.paceWait(access, "mail");
    assertTrue(
        wait.compareTo(Duration.ofSeconds(55)) > 0,
        "50 units are no room for five messages (57 units): the run waits, " + wait);
    assertEquals(100, feed.messagesPerPage(other), "another mailbox's room is its own");
  }

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

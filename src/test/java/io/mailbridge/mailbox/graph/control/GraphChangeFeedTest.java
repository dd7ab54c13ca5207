package io.mailbridge.mailbox.graph.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.graph.models.EmailAddress;
import com.microsoft.graph.models.Message;
import com.microsoft.graph.models.Recipient;
import io.mailbridge.mailbox.control.ItemChange;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.PacedLimit;
import io.mailbridge.mailbox.control.TestQuotas;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GraphChangeFeedTest {

  private static Recipient recipient(String address) {
    EmailAddress email = new EmailAddress();
    email.setAddress(address);
    email.setName("Name of " + address);
    Recipient r = new Recipient();
    r.setEmailAddress(email);
    return r;
  }

  @Test
  void aDeltaEntryBecomesASummaryWithItsCategories() {
    Message m = new Message();
    m.setId("AAkALgAAA=");
    m.setInternetMessageId("<q1@fabrikam.example>");
    m.setSubject("Quote");
    m.setFrom(recipient("nora@fabrikam.example"));
    m.setToRecipients(List.of(recipient("rep@ourco.example"), recipient(" ")));
    m.setReceivedDateTime(OffsetDateTime.parse("2026-11-02T10:00:00+02:00"));
    m.setCategories(List.of("Private"));
    ItemChange change = GraphChangeFeed.change(m, "sentitems");
    assertFalse(change.removed());
    assertEquals("<q1@fabrikam.example>", change.summary().internetMessageId());
    assertEquals("nora@fabrikam.example", change.summary().from().email());
    assertEquals(1, change.summary().to().size(), "a recipient without an address is dropped");
    assertEquals(Instant.parse("2026-11-02T08:00:00Z"), change.summary().receivedAt());
    assertTrue(change.summary().ownerSent(), "Sent Items holds what the owner sent");
    assertEquals(List.of("Private"), change.marks().categories());
  }

  @Test
  void aRemovedEntryCarriesOnlyItsId() {
    Message m = new Message();
    m.setId("gone");
    Map<String, Object> extra = new HashMap<>();
    extra.put("@removed", Map.of("reason", "deleted"));
    m.setAdditionalData(extra);
    ItemChange change = GraphChangeFeed.change(m, "inbox");
    assertTrue(change.removed());
    assertEquals("gone", change.itemId());
  }

  @Test
  void aCalendarPageIsPacedForItsOneRequestAndAMailPageForItsMessages() {
    assertEquals(1, GraphChangeFeed.mostPageCost(GraphChangeFeed.CALENDAR, 50, 9000));
    assertEquals(6, GraphChangeFeed.mostPageCost("inbox", 50, 9000), "the smallest page's");
    assertEquals(3, GraphChangeFeed.mostPageCost("inbox", 2, 9000), "a page size under five");
    assertEquals(4, GraphChangeFeed.mostPageCost("sentitems", 50, 16), "a quarter of the budget");
    assertEquals(1, GraphChangeFeed.mostPageCost("inbox", 50, 2));
  }

  @Test
  void aMailPageAsksForWhatTheMailboxsBudgetHasRoomForNowButNeverFewerThanFiveMessages() {
    GraphChangeFeed feed = new GraphChangeFeed();
    feed.quotas = TestQuotas.of(200, 1000, 10); // Graph 190 requests a minute
    feed.pageSize = 50;
    MailboxAccess access = new MailboxAccess(MailboxKind.GRAPH, "org-1", "c1", null, () -> "t");
    MailboxAccess other = new MailboxAccess(MailboxKind.GRAPH, "org-1", "c2", null, () -> "t");
    assertEquals(50, feed.messagesPerPage(access), "room for a whole page: the page size");

    feed.quotas.enter(PacedLimit.GRAPH, "c1", 160).close();
    // 30 requests left: the delta request, then at worst one MIME read per message
    assertEquals(29, feed.messagesPerPage(access));
    assertEquals(Duration.ZERO, feed.paceWait(access, "inbox"), "room for a smaller page");

    feed.quotas.enter(PacedLimit.GRAPH, "c1", 27).close();
    assertEquals(5, feed.messagesPerPage(access), "never fewer than five");
    Duration wait = feed.paceWait(access, "inbox");
    assertTrue(
        wait.compareTo(Duration.ofSeconds(55)) > 0,
        "3 requests are no room for five messages (6 requests): the run waits, " + wait);
    assertEquals(50, feed.messagesPerPage(other), "another mailbox's room is its own");
  }
}

package io.mailbridge.capture.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.mailbridge.mailbox.control.CapturedItem;
import io.mailbridge.mailbox.control.ChangeFeed;
import io.mailbridge.mailbox.control.ChangePage;
import io.mailbridge.mailbox.control.ItemChange;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.PushChannel;
import io.mailbridge.mailbox.control.ReadMessage;
import io.mailbridge.message.MailMessage;
import io.mailbridge.message.MessageMarks;
import io.mailbridge.platform.problem.NotFound;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PageReadsTest {

  private static final MailboxAccess MAILBOX =
      new MailboxAccess(MailboxKind.GMAIL, "org", "conn", URI.create("http://x"), () -> "t");

  /** A feed that answers reads from its messages, noting each request; {@code gone} are 404s. */
  private static final class Feed implements ChangeFeed {
    final int together;
    final Set<String> gone;
    final List<List<String>> requests = new ArrayList<>();

    Feed(int together, Set<String> gone) {
      this.together = together;
      this.gone = gone;
    }

    @Override
    public MailboxKind kind() {
      return MailboxKind.GMAIL;
    }

    @Override
    public List<String> folders() {
      return List.of("mail");
    }

    @Override
    public ChangePage page(MailboxAccess mailbox, String folder, String position, Instant since) {
      throw new UnsupportedOperationException();
    }

    @Override
    public PushChannel subscribe(
        MailboxAccess mailbox, String notificationUrl, String clientState, Instant expiresAt) {
      throw new UnsupportedOperationException();
    }

    @Override
    public CapturedItem read(MailboxAccess mailbox, String itemId, boolean withAttachments) {
      requests.add(List.of(itemId));
      if (gone.contains(itemId)) {
        throw new NotFound("message");
      }
      return item(itemId);
    }

    @Override
    public Map<String, CapturedItem> read(
        MailboxAccess mailbox, List<String> itemIds, boolean withAttachments) {
      if (together == 1) {
        return ChangeFeed.super.read(mailbox, itemIds, withAttachments);
      }
      requests.add(itemIds);
      Map<String, CapturedItem> items = new java.util.LinkedHashMap<>();
      itemIds.stream().filter(id -> !gone.contains(id)).forEach(id -> items.put(id, item(id)));
      return items;
    }

    @Override
    public int readTogether(boolean withAttachments) {
      return withAttachments ? 1 : together;
    }
  }

  private static CapturedItem item(String id) {
    return new CapturedItem(new ReadMessage(message(id, 0), Map.of(), null), MessageMarks.NONE);
  }

  private static MailMessage message(String id, long size) {
    return new MailMessage(
        "gmail",
        id,
        "<" + id + "@x>",
        null,
        id,
        null,
        List.of(),
        List.of(),
        List.of(),
        false,
        null,
        null,
        null,
        null,
        size,
        List.of());
  }

  private static List<ItemChange> page(long size, String... ids) {
    List<ItemChange> changes = new ArrayList<>();
    for (String id : ids) {
      changes.add(new ItemChange(id, false, message(id, size), MessageMarks.NONE));
    }
    return changes;
  }

  @Test
  void aFeedThatReadsSeveralAtOnceIsAskedForTheWantedItemsAheadOfTheirTurnInTheirOrder() {
    Feed feed = new Feed(3, Set.of("d"));
    List<ItemChange> page = page(1_000, "a", "b", "c", "d", "e", "f", "g");
    Set<Integer> skippedByPolicy = Set.of(1);
    PageReads reads =
        new PageReads(feed, MAILBOX, false, page, i -> !skippedByPolicy.contains(i), 4_000_000);

    assertEquals("a", reads.take(0).read().message().providerItemId());
    assertEquals(List.of(List.of("a", "c", "d")), feed.requests);
    assertEquals("c", reads.take(2).read().message().providerItemId());
    assertNull(reads.take(3), "deleted since it was listed");
    assertEquals(1, feed.requests.size(), "nothing more read before its turn");
    assertEquals("e", reads.take(4).read().message().providerItemId());
    assertEquals(List.of(List.of("a", "c", "d"), List.of("e", "f", "g")), feed.requests);
    reads.take(5);
    reads.take(6);
    assertEquals(2, feed.requests.size());
  }

  @Test
  void itemsReadTogetherWeighNoMoreThanThePageMayHoldButAnItemTooLargeForItIsStillRead() {
    Feed feed = new Feed(50, Set.of());
    List<ItemChange> page = page(3_000_000, "a", "b", "c");
    PageReads reads = new PageReads(feed, MAILBOX, false, page, i -> true, 4_000_000);
    for (int i = 0; i < page.size(); i++) {
      reads.take(i);
    }
    assertEquals(List.of(List.of("a"), List.of("b"), List.of("c")), feed.requests);

    Feed small = new Feed(50, Set.of());
    List<ItemChange> light = page(1_000_000, "a", "b", "c", "d", "e");
    PageReads lightReads = new PageReads(small, MAILBOX, false, light, i -> true, 4_000_000);
    for (int i = 0; i < light.size(); i++) {
      lightReads.take(i);
    }
    assertEquals(List.of(List.of("a", "b", "c", "d"), List.of("e")), small.requests);
  }

  @Test
  void anItemThePageListsTwiceIsReadOnceAndGivenAtBothTurns() {
    Feed feed = new Feed(10, Set.of());
    List<ItemChange> page = page(10, "a", "b", "a");
    PageReads reads = new PageReads(feed, MAILBOX, false, page, i -> true, 4_000_000);
    CapturedItem first = reads.take(0);
    reads.take(1);
    assertSame(first, reads.take(2));
    assertEquals(List.of(List.of("a", "b")), feed.requests);
  }

  @Test
  void aFeedThatReadsOneAtATimeReadsEachWhenItsTurnComesAndWithAttachmentsEveryFeedDoes() {
    Feed single = new Feed(1, Set.of("b"));
    List<ItemChange> page = page(10, "a", "b", "c");
    PageReads reads = new PageReads(single, MAILBOX, false, page, i -> true, 4_000_000);
    reads.take(0);
    assertEquals(List.of(List.of("a")), single.requests);
    assertNull(reads.take(1));
    reads.take(2);
    assertEquals(List.of(List.of("a"), List.of("b"), List.of("c")), single.requests);

    Feed batching = new Feed(50, Set.of());
    PageReads whole = new PageReads(batching, MAILBOX, true, page, i -> true, 4_000_000);
    whole.take(0);
    assertEquals(List.of(List.of("a")), batching.requests);
  }
}

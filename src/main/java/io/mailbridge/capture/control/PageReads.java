package io.mailbridge.capture.control;

import io.mailbridge.mailbox.control.CapturedItem;
import io.mailbridge.mailbox.control.ChangeFeed;
import io.mailbridge.mailbox.control.ItemChange;
import io.mailbridge.mailbox.control.MailboxAccess;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * The messages of one page that capture reads in full, read ahead of their turn as many at once as
 * the feed reads together ({@link ChangeFeed#readTogether(boolean)}) and, by the sizes the feed
 * gave, no more bytes than the page may hold waiting; a feed that reads one at a time reads each
 * when its turn comes, so nothing waits in memory for it.
 */
final class PageReads {

  private final ChangeFeed feed;
  private final MailboxAccess access;
  private final boolean withAttachments;
  private final List<ItemChange> present;
  private final IntPredicate wanted;
  private final int together;
  private final long maxBytes;
  private final Map<String, Integer> lastTurn = new HashMap<>();
  private final Map<String, CapturedItem> read = new HashMap<>();
  private int next;

  /**
   * @param present the page's items in order
   * @param wanted whether the item at an index is to be read (the policy let it through so far)
   * @param maxBytes the most the items read together may weigh by their sizes in the page
   */
  PageReads(
      ChangeFeed feed,
      MailboxAccess access,
      boolean withAttachments,
      List<ItemChange> present,
      IntPredicate wanted,
      long maxBytes) {
    this.feed = feed;
    this.access = access;
    this.withAttachments = withAttachments;
    this.present = present;
    this.wanted = wanted;
    this.together = Math.max(1, feed.readTogether(withAttachments));
    this.maxBytes = maxBytes;
    for (int i = 0; i < present.size(); i++) {
      lastTurn.put(present.get(i).itemId(), i);
    }
  }

  /**
   * The item at {@code turn} in full, or null when it was deleted since it was listed; asked for in
   * the page's order, each wanted item once.
   */
  CapturedItem take(int turn) {
    if (turn >= next) {
      readFrom(turn);
    }
    String itemId = present.get(turn).itemId();
    // An item the page lists twice stays until its last turn.
    return lastTurn.get(itemId) == turn ? read.remove(itemId) : read.get(itemId);
  }

  private void readFrom(int turn) {
    Set<String> ids = new LinkedHashSet<>();
    long bytes = 0;
    int i = turn;
    for (; i < present.size() && ids.size() < together; i++) {
      if (!wanted.test(i)) {
        continue;
      }
      long size = Math.max(0, present.get(i).summary().size());
      if (!ids.isEmpty() && bytes + size > maxBytes) {
        break;
      }
      ids.add(present.get(i).itemId());
      bytes += size;
    }
    next = i;
    read.putAll(feed.read(access, List.copyOf(ids), withAttachments));
  }
}

package io.mailbridge.capture.control;

import io.mailbridge.crm.control.ActivityStore;
import io.mailbridge.crm.control.ParticipantMatcher;
import io.mailbridge.mailbox.control.CapturedItem;
import io.mailbridge.mailbox.control.ChangeFeed;
import io.mailbridge.mailbox.control.ConnectedMailbox;
import io.mailbridge.mailbox.control.ItemChange;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.message.MailMessage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * One page of a mailbox's changes into the CRM, the same way for every provider: participants
 * matched against the CRM in one batch per page, the capture policy decided on what the page
 * already says, then each message that passes read in full, decided again on its own headers, and
 * stored through the CRM's one storage path with this mailbox as an owner: the page's emails in one
 * transaction once they are read, so a page costs one commit. The policy takes the org's rules and
 * the exclusions of the user whose mailbox it is. An item that became private is taken back from
 * this mailbox. Deleted and moved items leave captured activities alone.
 *
 * <p>Meetings from a calendar folder take the same steps on the meeting seen as a message
 * (organizer and attendees as participants, its sensitivity and categories as marks); the feed
 * already gave the whole event, so there is no second read. A meeting is stored once per org as an
 * event activity linked to every matched record; a changed meeting updates it and gains the links
 * of new attendees; a cancelled one is kept, marked cancelled. An event removed from the calendar
 * (deleted, or its cancellation removed) is released from this mailbox: its activity goes when no
 * other mailbox holds the meeting and no person logged it, since unlike a filed email it no longer
 * records a meeting that takes place.
 */
@ApplicationScoped
public class CapturePipeline {

  private static final Logger LOG = Logger.getLogger(CapturePipeline.class.getName());
  private static final long MAX_WAITING_BYTES = 4L * 1024 * 1024;

  @Inject ParticipantMatcher matcher;
  @Inject CapturePolicy policy;
  @Inject ActivityStore activities;

  /** What a page came to; {@code skipped} counts items the policy left out. */
  public record PageResult(long seen, long captured, long skipped) {}

  public PageResult capture(
      ConnectedMailbox mailbox,
      MailboxAccess access,
      ChangeFeed feed,
      CaptureRules rules,
      CaptureExclusions own,
      List<ItemChange> changes) {
    for (ItemChange gone : changes) {
      if (gone.removed() && gone.calendar()) {
        release(mailbox, gone.itemId(), "removed from the calendar");
      }
    }
    List<ItemChange> present = changes.stream().filter(c -> !c.removed()).toList();
    Map<String, List<String>> recordsByAddress = match(mailbox, rules, present);
    long captured = 0;
    long skipped = 0;
    // The policy first decides on what the page says, so the messages to read are known before
    // the first is read and a feed can read several of them in one request.
    List<List<String>> recordsOf = new ArrayList<>();
    List<CapturePolicy.Decision> firsts = new ArrayList<>();
    for (ItemChange change : present) {
      List<String> records =
          records(recordsByAddress, policy.external(rules, change.summary(), mailbox.address()));
      recordsOf.add(records);
      firsts.add(
          change.calendar()
              ? null
              : policy.decide(
                  rules,
                  own,
                  change.summary(),
                  change.marks(),
                  mailbox.address(),
                  !records.isEmpty()));
    }
    PageStore store = new PageStore(mailbox);
    PageReads reads =
        new PageReads(
            feed,
            access,
            rules.storeAttachments(),
            present,
            i -> firsts.get(i) != null && firsts.get(i).captured(),
            MAX_WAITING_BYTES);
    for (int at = 0; at < present.size(); at++) {
      ItemChange change = present.get(at);
      MailMessage summary = change.summary();
      List<String> records = recordsOf.get(at);
      if (change.calendar()) {
        if (captureEvent(mailbox, rules, own, change, records)) {
          captured++;
        } else {
          skipped++;
        }
        continue;
      }
      CapturePolicy.Decision first = firsts.get(at);
      if (!first.captured()) {
        skipped++;
        takeBackIfPrivate(store, summary, first);
        continue;
      }
      CapturedItem item = reads.take(at);
      if (item == null) {
        // Deleted between the change feed and the read: nothing left to capture.
        continue;
      }
      MailMessage full = item.read().message();
      CapturePolicy.Decision second =
          policy.decide(
              rules,
              own,
              full,
              item.marks().with(change.marks()),
              mailbox.address(),
              !records.isEmpty());
      if (!second.captured()) {
        skipped++;
        takeBackIfPrivate(store, full, second);
        continue;
      }
      store.add(withFeedTimes(full, summary), records);
      captured++;
    }
    store.flush();
    LOG.fine(
        () -> "Capture of mailbox " + mailbox.id() + ": " + present.size() + " seen on this page");
    return new PageResult(present.size(), captured, skipped);
  }

  /**
   * A meeting decided on once (the feed gave it whole) and stored as an event activity, or, when it
   * is private now or carries the "do not capture" category, taken back from this mailbox. Answers
   * whether it was captured.
   */
  private boolean captureEvent(
      ConnectedMailbox mailbox,
      CaptureRules rules,
      CaptureExclusions own,
      ItemChange change,
      List<String> records) {
    CapturePolicy.Decision decision =
        policy.decide(
            rules, own, change.summary(), change.marks(), mailbox.address(), !records.isEmpty());
    if (!decision.captured()) {
      if (decision.skip() == CapturePolicy.Skip.PRIVATE
          || decision.skip() == CapturePolicy.Skip.DO_NOT_CAPTURE_CATEGORY) {
        release(mailbox, change.itemId(), "marked private since");
      }
      return false;
    }
    activities.storeCapturedEvent(
        mailbox.orgId(), change.event(), records, mailbox.userId(), mailbox.id(), change.itemId());
    return true;
  }

  private void release(ConnectedMailbox mailbox, String eventId, String why) {
    if (activities.releaseCapturedEvent(mailbox.orgId(), mailbox.id(), eventId)) {
      LOG.info(
          () ->
              "Capture of mailbox "
                  + mailbox.id()
                  + ": a meeting "
                  + why
                  + " was taken back from the timelines");
    }
  }

  /**
   * An item that is private now (or carries the "do not capture" category) may have been captured
   * from this mailbox before it was marked: take it back.
   */
  private void takeBackIfPrivate(
      PageStore store, MailMessage message, CapturePolicy.Decision decision) {
    if (decision.skip() == CapturePolicy.Skip.PRIVATE
        || decision.skip() == CapturePolicy.Skip.DO_NOT_CAPTURE_CATEGORY) {
      // What the page captured before this item is stored first, so an earlier copy of it on
      // the same page is taken back too.
      store.flush();
      ConnectedMailbox mailbox = store.mailbox;
      if (activities.releaseCapturedEmail(mailbox.orgId(), message, mailbox.id())) {
        LOG.info(
            () ->
                "Capture of mailbox "
                    + mailbox.id()
                    + ": an item marked private since was taken back");
      }
    }
  }

  /**
   * The page's captured emails, stored together in one transaction once the page is read, or
   * earlier when what waits reaches {@link #MAX_WAITING_BYTES}: the bytes of a page's mail (with
   * attachments, when the org stores them) must not all sit in the heap at once.
   */
  private final class PageStore {
    private final ConnectedMailbox mailbox;
    private final List<ActivityStore.CapturedEmail> waiting = new ArrayList<>();
    private long waitingBytes;

    PageStore(ConnectedMailbox mailbox) {
      this.mailbox = mailbox;
    }

    void add(MailMessage message, List<String> records) {
      waiting.add(new ActivityStore.CapturedEmail(message, records));
      waitingBytes += Math.max(0, message.size());
      for (var attachment : message.attachments()) {
        if (attachment.hasContent()) {
          waitingBytes += Math.max(0, attachment.size());
        }
      }
      if (waitingBytes >= MAX_WAITING_BYTES) {
        flush();
      }
    }

    void flush() {
      if (waiting.isEmpty()) {
        return;
      }
      activities.storeCapturedEmails(mailbox.orgId(), waiting, mailbox.userId(), mailbox.id());
      waiting.clear();
      waitingBytes = 0;
    }
  }

  /** One batched CRM lookup for every external participant of the page. */
  private Map<String, List<String>> match(
      ConnectedMailbox mailbox, CaptureRules rules, List<ItemChange> present) {
    Set<String> addresses = new LinkedHashSet<>();
    for (ItemChange change : present) {
      addresses.addAll(policy.external(rules, change.summary(), mailbox.address()));
    }
    Map<String, List<String>> byAddress = new HashMap<>();
    if (addresses.isEmpty()) {
      return byAddress;
    }
    for (ParticipantMatcher.Match match : matcher.match(mailbox.orgId(), List.copyOf(addresses))) {
      List<String> ids = new ArrayList<>();
      ids.addAll(match.contactIds());
      ids.addAll(match.leadIds());
      ids.addAll(match.accountIds());
      byAddress.put(match.email(), ids);
    }
    return byAddress;
  }

  private static List<String> records(Map<String, List<String>> byAddress, List<String> addresses) {
    Set<String> ids = new LinkedHashSet<>();
    for (String address : addresses) {
      ids.addAll(byAddress.getOrDefault(address, List.of()));
    }
    return List.copyOf(ids);
  }

  /** The MIME has no received time and may lack a sent time: the feed's fill the gaps. */
  private static MailMessage withFeedTimes(MailMessage full, MailMessage summary) {
    if (full.receivedAt() != null && full.sentAt() != null) {
      return full;
    }
    return new MailMessage(
        full.provider(),
        full.providerItemId(),
        full.internetMessageId() != null ? full.internetMessageId() : summary.internetMessageId(),
        full.threadId(),
        full.subject(),
        full.from(),
        full.to(),
        full.cc(),
        full.bcc(),
        full.ownerSent(),
        full.sentAt() != null ? full.sentAt() : summary.sentAt(),
        full.receivedAt() != null ? full.receivedAt() : summary.receivedAt(),
        full.textBody(),
        full.htmlBody(),
        full.size(),
        full.attachments());
  }
}

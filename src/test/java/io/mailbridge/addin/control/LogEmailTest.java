package io.mailbridge.addin.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.crm.control.ActivityStore;
import io.mailbridge.crm.control.LinkTargets;
import io.mailbridge.crm.control.StoredActivity;
import io.mailbridge.mailbox.control.InMemoryMessageSource;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxChoice;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.MailboxOfCaller;
import io.mailbridge.mailbox.control.MessageSource;
import io.mailbridge.mailbox.control.MessageSources;
import io.mailbridge.message.MailAttachment;
import io.mailbridge.message.MailMessage;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.problem.NotFound;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one log flow, over the in-memory message source and a CRM that only writes down calls. */
class LogEmailTest {

  private final List<String> steps = new ArrayList<>();
  private final InMemoryMessageSource source =
      new InMemoryMessageSource(MailboxKind.GRAPH)
          .with(
              "m1",
              "Quote",
              "nora@fabrikam.example",
              List.of("sam@x.example"),
              Map.of(
                  "a1", "first".getBytes(StandardCharsets.UTF_8),
                  "a2", "second".getBytes(StandardCharsets.UTF_8)));
  private MailMessage stored;
  private LogEmail logEmail;

  @BeforeEach
  void wire() {
    logEmail = new LogEmail();
    logEmail.mailboxes =
        new MailboxOfCaller() {
          @Override
          public MailboxAccess choose(String orgId, String userId, MailboxChoice choice) {
            steps.add("choose " + choice);
            return new MailboxAccess(MailboxKind.GRAPH, orgId, "c1", null, () -> "token");
          }
        };
    logEmail.sources =
        new MessageSources() {
          @Override
          public MessageSource of(MailboxKind kind) {
            steps.add("source " + kind);
            return source;
          }
        };
    logEmail.activities =
        new ActivityStore() {
          @Override
          public LinkTargets linkTargets(String orgId, Collection<String> recordIds) {
            steps.add("check " + recordIds);
            if (recordIds.contains("gone")) {
              throw new NotFound("Record gone");
            }
            return null;
          }

          @Override
          public StoredActivity storeEmail(
              LinkTargets targets, MailMessage message, String storedBy) {
            steps.add("store " + message.attachments().size());
            for (MailAttachment attachment : message.attachments()) {
              try (InputStream in = attachment.content().open()) {
                in.readAllBytes();
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            }
            stored = message;
            return new StoredActivity("act-1", true);
          }
        };
    logEmail.attachments = new ChosenAttachments();
    logEmail.attachments.maxAttachmentBytes = 1024;
  }

  private LogEmail.Request request(List<String> records, List<String> attachments) {
    return new LogEmail.Request(
        new MailboxChoice.OutlookOnMicrosoft365("c1"), "m1", records, attachments);
  }

  @Test
  void choosesTheMailboxChecksTheRecordsOnceThenReadsStoresAndMarks() {
    LogEmail.Logged logged = logEmail.log("org-1", "u1", request(List.of("r1"), List.of("a2")));
    assertEquals("act-1", logged.activityId());
    assertFalse(logged.alreadyLogged());
    assertTrue(logged.mark().written());
    assertEquals(
        List.of(
            "choose OutlookOnMicrosoft365[sessionMailbox=c1]",
            "check [r1]",
            "source GRAPH",
            "store 1"),
        steps);
    assertEquals(List.of("m1"), source.reads);
    assertEquals(List.of("a2"), source.opened, "only the chosen attachment is downloaded");
    assertEquals("a2.bin", stored.attachments().get(0).name());
    assertEquals("act-1", source.marks.get("m1"));
  }

  @Test
  void anUnknownRecordStopsTheLogBeforeTheMailboxIsRead() {
    assertThrows(
        NotFound.class, () -> logEmail.log("org-1", "u1", request(List.of("gone"), List.of())));
    assertTrue(source.reads.isEmpty());
  }

  @Test
  void anAttachmentTheMessageDoesNotHaveIsRefusedBeforeAnythingIsStored() {
    InvalidField refused =
        assertThrows(
            InvalidField.class,
            () -> logEmail.log("org-1", "u1", request(List.of("r1"), List.of("a9"))));
    assertEquals("attachmentIds", refused.field());
    assertEquals(null, stored);
  }

  @Test
  void theLoggedMarkIsReadBackThroughTheSameMailboxChoice() {
    logEmail.log("org-1", "u1", request(List.of("r1"), List.of()));
    assertEquals(
        "act-1",
        logEmail.loggedActivity(
            "org-1", "u1", new MailboxChoice.OutlookOnMicrosoft365("c1"), "m1"));
  }
}

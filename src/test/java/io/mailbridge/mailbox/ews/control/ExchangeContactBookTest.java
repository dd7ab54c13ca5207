package io.mailbridge.mailbox.ews.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.exchange.FakeContacts;
import io.mailbridge.it.exchange.FakeExchange;
import io.mailbridge.mailbox.control.ContactChangedMeanwhile;
import io.mailbridge.mailbox.control.ContactFields;
import io.mailbridge.mailbox.control.ContactPage;
import io.mailbridge.mailbox.control.MailContact;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.ProviderBusy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Exchange contact sync's port against the fake Exchange on loopback: FindFolder, CreateFolder,
 * SyncFolderItems, GetItem, CreateItem, UpdateItem and DeleteItem in the shapes of the fixtures
 * (written from Microsoft's EWS reference), the folder found again by its mark, a stale ChangeKey
 * as ContactChangedMeanwhile, and a busy answer as ProviderBusy with Exchange's back-off.
 */
class ExchangeContactBookTest {

  private static final String ALICE = "alice@contoso.example";

  private FakeExchange exchange;
  private ExchangeContactBook book;

  @BeforeEach
  void start() {
    exchange = FakeExchange.start();
    exchange.impersonable.add(ALICE);
    book = new ExchangeContactBook();
    book.ews = ExchangeLoopback.client();
    book.concurrency = ExchangeLoopback.concurrency();
    book.pageSize = 512;
    book.account = ExchangeLoopback.serviceAccount(exchange, null);
  }

  @AfterEach
  void stop() {
    exchange.close();
  }

  private MailboxAccess alice() {
    return ExchangeLoopback.mailbox(exchange, ALICE);
  }

  private static ContactFields nora(String title) {
    return new ContactFields(
        "Nora", "Field", List.of("nora.field@fabrikam.example"), "+1 555 0100", title, null);
  }

  /** The request with the store's random ids replaced by the fixtures' placeholders. */
  private static String shapeOf(FakeExchange.Received request, Map<String, String> ids)
      throws Exception {
    String body = request.body();
    for (Map.Entry<String, String> id : ids.entrySet()) {
      body = body.replace(id.getKey(), id.getValue());
    }
    return EwsClientTest.shape(body);
  }

  private static String fixture(String name) throws Exception {
    return EwsClientTest.shape(FakeExchange.fixture(name));
  }

  @Test
  void eachOperationSendsTheShapeOfItsFixture() throws Exception {
    String folderId = book.folder(alice(), "Mailbridge");
    assertEquals(2, exchange.ewsRequests.size(), "looked for, then made");
    Map<String, String> ids = new java.util.LinkedHashMap<>();
    ids.put(folderId, "FOLDER-ID");
    assertEquals(
        fixture("findfolder-contacts-request.xml"), shapeOf(exchange.ewsRequests.get(0), ids));
    assertEquals(
        fixture("createfolder-contacts-request.xml"), shapeOf(exchange.ewsRequests.get(1), ids));

    MailContact made = book.create(alice(), folderId, nora(null), "crm-1");
    ids.put(made.id(), "CONTACT-ID");
    ids.put(made.changeKey(), "CHANGE-KEY");
    assertEquals(
        fixture("createitem-contact-request.xml"), shapeOf(exchange.ewsRequests.get(2), ids));

    MailContact written = book.update(alice(), folderId, made.id(), made.etag(), nora("CEO"));
    assertNotEquals(made.changeKey(), written.changeKey());
    assertEquals(
        fixture("updateitem-contact-request.xml"), shapeOf(exchange.ewsRequests.get(3), ids));

    ContactPage page = book.changes(alice(), folderId, null);
    assertEquals(
        fixture("syncfolderitems-contacts-request.xml"), shapeOf(exchange.ewsRequests.get(4), ids));
    assertEquals(fixture("getitem-contact-request.xml"), shapeOf(exchange.ewsRequests.get(5), ids));
    assertTrue(page.roundComplete());
    assertEquals(1, page.changes().size());
    MailContact read = page.changes().get(0);
    assertEquals(made.id(), read.id());
    assertEquals(written.changeKey(), read.changeKey(), "Mailbridge's own write, recognisable");
    assertEquals(nora("CEO"), read.fields());

    assertTrue(book.deleteIfMarked(alice(), folderId, made.id(), "crm-1"));
    assertEquals(
        fixture("deleteitem-contact-request.xml"), shapeOf(exchange.ewsRequests.get(7), ids));
    for (FakeExchange.Received r : exchange.ewsRequests) {
      assertEquals(ALICE, r.anchorMailbox());
    }
  }

  @Test
  void theFolderIsFoundAgainByItsMarkAfterARename() {
    String folderId = book.folder(alice(), "Mailbridge");
    assertEquals(folderId, book.folder(alice(), "Mailbridge"));
    assertEquals(folderId, book.folder(alice(), "Renamed"), "found by the mark, not the name");
    assertEquals(1, exchange.contacts.foldersNamed(ALICE, "Mailbridge"));
  }

  @Test
  void aStaleChangeKeyIsContactChangedMeanwhileAndWritesNothing() {
    String folderId = book.folder(alice(), "Mailbridge");
    MailContact made = book.create(alice(), folderId, nora(null), "crm-1");
    exchange.contacts.editByHand(made.id(), Map.of("JobTitle", "VP"));
    assertThrows(
        ContactChangedMeanwhile.class,
        () -> book.update(alice(), folderId, made.id(), made.etag(), nora("CEO")));
    FakeContacts.Contact stored = exchange.contacts.in(ALICE, "Mailbridge").get(0);
    assertEquals("VP", stored.field("JobTitle"));
  }

  @Test
  void aContactWithoutTheCrmIdIsNotDeleted() {
    String folderId = book.folder(alice(), "Mailbridge");
    FakeContacts.Contact hand =
        exchange.contacts.addByHand(ALICE, "Mailbridge", "Hana", "Sato", "hana@x.example");
    MailContact ours = book.create(alice(), folderId, nora(null), "crm-1");
    assertFalse(book.deleteIfMarked(alice(), folderId, hand.id, "crm-1"));
    assertFalse(book.deleteIfMarked(alice(), folderId, ours.id(), "crm-2"));
    assertEquals(2, exchange.contacts.in(ALICE, "Mailbridge").size());
    assertFalse(book.deleteIfMarked(alice(), folderId, "AAMkADgone=", "crm-1"));
  }

  @Test
  void theChangesCarryTheCrmIdOfContactsMailbridgeMadeAndNoneOfHandMadeOnes() {
    String folderId = book.folder(alice(), "Mailbridge");
    FakeContacts.Contact hand =
        exchange.contacts.addByHand(ALICE, "Mailbridge", "Hana", "Sato", "hana@x.example");
    MailContact ours = book.create(alice(), folderId, nora(null), "crm-1");
    Map<String, MailContact> read = new java.util.HashMap<>();
    book.changes(alice(), folderId, null).changes().forEach(c -> read.put(c.id(), c));
    assertEquals(java.util.Optional.of("crm-1"), book.mark(alice(), folderId, read.get(ours.id())));
    assertEquals(java.util.Optional.empty(), book.mark(alice(), folderId, read.get(hand.id)));
  }

  @Test
  void aBusyAnswerIsProviderBusyWithExchangesBackOff() {
    String folderId = book.folder(alice(), "Mailbridge");
    exchange.answerNextWith(
        200, FakeExchange.fixture("syncfolderitems-serverbusy-in-response.xml"));
    ProviderBusy busy =
        assertThrows(ProviderBusy.class, () -> book.changes(alice(), folderId, null));
    assertEquals(Duration.ofSeconds(30), busy.retryAfter());
  }
}

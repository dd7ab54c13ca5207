package io.mailbridge.mailbox.gmail.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.api.client.http.LowLevelHttpRequest;
import com.google.api.client.http.LowLevelHttpResponse;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.client.testing.http.MockHttpTransport;
import com.google.api.client.testing.http.MockLowLevelHttpRequest;
import com.google.api.client.testing.http.MockLowLevelHttpResponse;
import com.google.api.services.people.v1.PeopleService;
import io.mailbridge.mailbox.control.ContactBook.NewContact;
import io.mailbridge.mailbox.control.ContactFields;
import io.mailbridge.mailbox.control.MailContact;
import io.mailbridge.mailbox.control.MailboxAccess;
import io.mailbridge.mailbox.control.MailboxKind;
import io.mailbridge.mailbox.control.ProviderRefused;
import io.mailbridge.platform.outbound.control.OutboundCall;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** How contacts to create are sent to people:batchCreateContacts and its answers matched. */
class GoogleContactBookBatchTest {

  private static final MailboxAccess MAILBOX =
      new MailboxAccess(MailboxKind.GMAIL, "org-1", "c1", null, () -> "token");

  /** The requests the book sent, and whether the fake answers out of order or leaves one out. */
  private static final class Batches extends GoogleContactBook {
    final List<JsonObject> sent = new ArrayList<>();
    boolean reversed;
    boolean dropLast;

    @Override
    PeopleService client(String accessToken, OutboundCall operation) {
      MockHttpTransport transport =
          new MockHttpTransport() {
            @Override
            public LowLevelHttpRequest buildRequest(String method, String url) {
              return new MockLowLevelHttpRequest(url) {
                @Override
                public LowLevelHttpResponse execute() throws IOException {
                  JsonObject body =
                      Json.createReader(new StringReader(getContentAsString())).readObject();
                  sent.add(body);
                  return new MockLowLevelHttpResponse()
                      .setContentType("application/json")
                      .setContent(answer(body).toString());
                }
              };
            }
          };
      return new PeopleService.Builder(transport, GsonFactory.getDefaultInstance(), null)
          .setRootUrl("http://people.invalid/")
          .build();
    }

    private JsonObject answer(JsonObject body) {
      List<JsonObject> people = new ArrayList<>();
      for (JsonObject c : body.getJsonArray("contacts").getValuesAs(JsonObject.class)) {
        JsonObject person = c.getJsonObject("contactPerson");
        String crmId = person.getJsonArray("clientData").getJsonObject(0).getString("value");
        people.add(
            Json.createObjectBuilder()
                .add(
                    "person",
                    Json.createObjectBuilder(person)
                        .add("resourceName", "people/c-" + crmId)
                        .add("etag", "%E" + crmId))
                .add("status", Json.createObjectBuilder())
                .build());
      }
      if (reversed) {
        Collections.reverse(people);
      }
      if (dropLast) {
        people.remove(people.size() - 1);
      }
      JsonArrayBuilder created = Json.createArrayBuilder();
      people.forEach(created::add);
      return Json.createObjectBuilder().add("createdPeople", created).build();
    }
  }

  private static List<NewContact> contacts(int count) {
    return IntStream.range(0, count)
        .mapToObj(
            i ->
                new NewContact(
                    new ContactFields(
                        "N" + i, "L" + i, List.of(i + "@x.example"), null, null, null),
                    "crm-" + i))
        .toList();
  }

  @Test
  void contactsGoTwoHundredACallIntoTheGroupMarkedWithTheirCrmIds() {
    Batches book = new Batches();
    List<MailContact> created = book.createAll(MAILBOX, "contactGroups/g1", contacts(450));

    assertEquals(
        List.of(200, 200, 50),
        book.sent.stream().map(b -> b.getJsonArray("contacts").size()).toList());
    assertEquals(GoogleContactBook.PERSON_FIELDS, book.sent.get(0).getString("readMask"));
    JsonObject first =
        book.sent.get(0).getJsonArray("contacts").getJsonObject(0).getJsonObject("contactPerson");
    assertEquals(
        "contactGroups/g1",
        first
            .getJsonArray("memberships")
            .getJsonObject(0)
            .getJsonObject("contactGroupMembership")
            .getString("contactGroupResourceName"));
    assertEquals(
        GoogleContactBook.CRM_ID_KEY,
        first.getJsonArray("clientData").getJsonObject(0).getString("key"));
    assertEquals(450, created.size());
    assertEquals("people/c-crm-0", created.get(0).id());
    assertEquals("people/c-crm-449", created.get(449).id());
    assertEquals("N449", created.get(449).fields().firstName());
  }

  @Test
  void answersAreMatchedByTheMarkNotByTheirOrder() {
    Batches book = new Batches();
    book.reversed = true;
    List<MailContact> created = book.createAll(MAILBOX, "contactGroups/g1", contacts(3));
    assertEquals(
        List.of("people/c-crm-0", "people/c-crm-1", "people/c-crm-2"),
        created.stream().map(MailContact::id).toList());
  }

  @Test
  void anAnswerThatLeavesAContactOutIsRefused() {
    Batches book = new Batches();
    book.dropLast = true;
    assertThrows(
        ProviderRefused.class, () -> book.createAll(MAILBOX, "contactGroups/g1", contacts(3)));
  }
}

package io.mailbridge.mailbox.gmail.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.api.client.http.HttpHeaders;
import com.google.api.client.http.HttpResponseException;
import com.google.api.services.people.v1.model.ClientData;
import com.google.api.services.people.v1.model.EmailAddress;
import com.google.api.services.people.v1.model.Name;
import com.google.api.services.people.v1.model.Organization;
import com.google.api.services.people.v1.model.Person;
import com.google.api.services.people.v1.model.PersonMetadata;
import com.google.api.services.people.v1.model.Source;
import io.mailbridge.mailbox.control.ContactFields;
import io.mailbridge.mailbox.control.MailContact;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the People API's persons, positions and refusals read in sync's terms. */
class GoogleContactBookTest {

  @Test
  void aPositionKeepsBothTokensThroughTheTextItIsStoredAs() {
    GoogleContactBook.Position at = new GoogleContactBook.Position("EPDS+a/b=&c", "page token&x=1");
    assertEquals(at, GoogleContactBook.Position.parse(at.toString()));
    assertEquals(
        new GoogleContactBook.Position(null, null), GoogleContactBook.Position.parse(null));
    GoogleContactBook.Position fullListPage = new GoogleContactBook.Position(null, "p2");
    assertEquals(fullListPage, GoogleContactBook.Position.parse(fullListPage.toString()));
  }

  @Test
  void aPersonReadsWithItsEtagAsChangeKeyAndTheContactSourcesTime() {
    Person person =
        new Person()
            .setResourceName("people/c1")
            .setEtag("%EgE=")
            .setNames(List.of(new Name().setGivenName("Nora").setFamilyName(" ")))
            .setEmailAddresses(
                List.of(
                    new EmailAddress().setValue("n@x.example"), new EmailAddress().setValue("")))
            .setOrganizations(List.of(new Organization().setTitle("CFO").setName("Fabrikam")))
            .setMetadata(
                new PersonMetadata()
                    .setSources(
                        List.of(
                            new Source().setType("PROFILE").setUpdateTime("2020-01-01T00:00:00Z"),
                            new Source()
                                .setType("CONTACT")
                                .setUpdateTime("2026-11-30T10:15:30.123Z"))));
    MailContact contact = GoogleContactBook.contact(person);
    assertEquals("people/c1", contact.id());
    assertEquals("%EgE=", contact.changeKey());
    assertEquals("%EgE=", contact.etag());
    assertEquals(Instant.parse("2026-11-30T10:15:30.123Z"), contact.modifiedAt());
    assertEquals(
        new ContactFields("Nora", null, List.of("n@x.example"), null, "CFO", "Fabrikam"),
        contact.fields());
    assertFalse(contact.removed());
  }

  @Test
  void aPersonCarriesTheCrmIdOfMailbridgesClientDataOnly() {
    Person marked =
        new Person()
            .setResourceName("people/c2")
            .setClientData(
                List.of(
                    new ClientData().setKey("OtherApp").setValue("x"),
                    new ClientData().setKey(GoogleContactBook.CRM_ID_KEY).setValue("crm-7")));
    assertEquals("crm-7", GoogleContactBook.contact(marked).crmMark());
    Person other =
        new Person()
            .setResourceName("people/c3")
            .setClientData(List.of(new ClientData().setKey("OtherApp").setValue("x")));
    assertNull(GoogleContactBook.contact(other).crmMark());
    assertNull(GoogleContactBook.contact(new Person().setResourceName("people/c4")).crmMark());
  }

  @Test
  void emptyFieldsAreWrittenAsEmptyListsSoTheyAreCleared() {
    Person written =
        GoogleContactBook.person(
            new ContactFields(null, "Lund", List.of(), null, null, null), null);
    assertEquals("", written.getNames().get(0).getGivenName());
    assertTrue(written.getEmailAddresses().isEmpty());
    assertTrue(written.getPhoneNumbers().isEmpty());
    assertTrue(written.getOrganizations().isEmpty());
    Person keepsCompany =
        GoogleContactBook.person(
            new ContactFields("Pia", "Lund", List.of(), "+1 555", "VP", null), "Fabrikam");
    assertEquals("Fabrikam", keepsCompany.getOrganizations().get(0).getName());
    assertEquals("VP", keepsCompany.getOrganizations().get(0).getTitle());
    assertEquals("work", keepsCompany.getPhoneNumbers().get(0).getType());
    assertNull(keepsCompany.getEtag());
  }

  @Test
  void onlyAnExpiredSyncTokenReadsAsExpired() {
    assertTrue(GoogleContactBook.expiredSyncToken(refusal(410, "{}")));
    assertTrue(
        GoogleContactBook.expiredSyncToken(
            refusal(
                400,
                "{\"error\":{\"code\":400,\"status\":\"FAILED_PRECONDITION\",\"details\":[{\"reason\":\"EXPIRED_SYNC_TOKEN\"}]}}")));
    assertFalse(
        GoogleContactBook.expiredSyncToken(
            refusal(400, "{\"error\":{\"code\":400,\"status\":\"INVALID_ARGUMENT\"}}")));
  }

  private static HttpResponseException refusal(int status, String body) {
    return new HttpResponseException.Builder(status, null, new HttpHeaders())
        .setContent(body)
        .build();
  }
}

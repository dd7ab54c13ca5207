package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.ApiClient.Reply;
import io.mailbridge.platform.security.entity.AppUser;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Participant matching as the add-in sees it: GET /api/addin/context. */
@ExtendWith(ArquillianExtension.class)
class MatchingIT {

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @Inject HttpServletRequest request;
  @Inject TestOrgs testOrgs;

  @Test
  void participantsAreMatchedToContactsLeadsAndAccounts() {
    ApiClient api = new ApiClient("http://127.0.0.1:" + request.getLocalPort());
    AppUser admin = testOrgs.orgWithAdmin("Matching");
    String token = api.accessToken(admin.email(), TestOrgs.PASSWORD);
    String acme =
        created(
            api.post(
                "/api/records/accounts",
                token,
                "{\"name\":\"Acme\",\"domains\":[\"acme.example\"]}"));
    String gmailAccount =
        created(
            api.post(
                "/api/records/accounts",
                token,
                "{\"name\":\"Free mail misuse\",\"domains\":[\"gmail.com\"]}"));
    String jane =
        created(
            api.post(
                "/api/records/contacts",
                token,
                "{\"lastName\":\"Jane\",\"emails\":[\"jane@acme.example\"],\"accountId\":\""
                    + acme
                    + "\"}"));
    String janeAgain =
        created(
            api.post(
                "/api/records/contacts",
                token,
                "{\"lastName\":\"Jane duplicate\",\"emails\":[\"Jane@ACME.example\"]}"));
    String lead =
        created(
            api.post(
                "/api/records/leads",
                token,
                "{\"lastName\":\"Prospect\",\"emails\":[\"pat@gmail.com\"]}"));

    Reply reply =
        api.get(
            "/api/addin/context?emails=%20JANE@acme.example%20,bob@eu.sales.acme.example,pat@gmail.com,nobody@elsewhere.example",
            token);
    assertEquals(200, reply.status(), reply.body());
    JsonArray participants = reply.json().getJsonArray("participants");
    assertEquals(4, participants.size());

    JsonObject first = participants.getJsonObject(0);
    assertEquals(
        "jane@acme.example",
        first.getString("email"),
        "addresses come back normalized, in the order asked");
    assertEquals(
        Set.of(jane, janeAgain),
        ids(first.getJsonArray("contacts")),
        "an address on two contacts gives both");
    assertEquals(Set.of(acme), ids(first.getJsonArray("accounts")));
    assertEquals(
        "Acme",
        first.getJsonArray("accounts").getJsonObject(0).getString("name"),
        "records come with their fields");

    JsonObject subDomain = participants.getJsonObject(1);
    assertEquals(Set.of(), ids(subDomain.getJsonArray("contacts")));
    assertEquals(
        Set.of(acme),
        ids(subDomain.getJsonArray("accounts")),
        "a sub-domain matches its parent's account");

    JsonObject freeMail = participants.getJsonObject(2);
    assertEquals(Set.of(lead), ids(freeMail.getJsonArray("leads")));
    assertEquals(
        Set.of(),
        ids(freeMail.getJsonArray("accounts")),
        "free-mail domains never match an account, not even " + gmailAccount);

    JsonObject nobody = participants.getJsonObject(3);
    assertTrue(
        nobody.getJsonArray("contacts").isEmpty()
            && nobody.getJsonArray("leads").isEmpty()
            && nobody.getJsonArray("accounts").isEmpty());

    assertEquals(400, api.get("/api/addin/context", token).status());
    assertEquals(400, api.get("/api/addin/context?emails=not-an-address", token).status());
    assertEquals(401, api.get("/api/addin/context?emails=jane@acme.example", null).status());

    AppUser stranger = testOrgs.orgWithAdmin("Matching stranger");
    String strangerToken = api.accessToken(stranger.email(), TestOrgs.PASSWORD);
    JsonObject seenByStranger =
        api.get("/api/addin/context?emails=jane@acme.example", strangerToken)
            .json()
            .getJsonArray("participants")
            .getJsonObject(0);
    assertEquals(
        Set.of(),
        ids(seenByStranger.getJsonArray("contacts")),
        "another org's records are never matched");
    assertEquals(Set.of(), ids(seenByStranger.getJsonArray("accounts")));
  }

  private static String created(Reply reply) {
    assertEquals(201, reply.status(), reply.body());
    return reply.json().getString("id");
  }

  private static Set<String> ids(JsonArray records) {
    return records.getValuesAs(JsonObject.class).stream()
        .map(r -> r.getString("id"))
        .collect(Collectors.toSet());
  }
}

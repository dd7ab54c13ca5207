package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.ApiClient.Reply;
import io.mailbridge.platform.security.entity.AppUser;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** CRM records over HTTP: CRUD and validation per type, search, paging, import, isolation. */
@ExtendWith(ArquillianExtension.class)
class RecordsIT {

  @Deployment
  static WebArchive deployment() {
    return MailbridgeArchive.withTests();
  }

  @Inject HttpServletRequest request;
  @Inject TestOrgs testOrgs;

  private ApiClient api() {
    return new ApiClient("http://127.0.0.1:" + request.getLocalPort());
  }

  private String signIn(String label) {
    AppUser admin = testOrgs.orgWithAdmin(label);
    AppUser rep = testOrgs.user(admin.orgId(), "USER", label + " rep");
    return api().accessToken(rep.email(), TestOrgs.PASSWORD);
  }

  @Test
  void everyRecordTypeIsCreatedReadUpdatedListedAndDeleted() {
    String token = signIn("Crud");
    JsonObject account =
        created(
            api()
                .post(
                    "/api/records/accounts",
                    token,
                    "{\"name\":\"Acme Ltd\",\"domains\":[\"Acme.example\",\"@acme-mail.example\"]}"));
    assertEquals(List.of("acme.example", "acme-mail.example"), strings(account, "domains"));
    String accountId = account.getString("id");
    JsonObject contact =
        created(
            api()
                .post(
                    "/api/records/contacts",
                    token,
                    "{\"firstName\":\"Ada\",\"lastName\":\"Lovelace\",\"emails\":[\" Ada@Acme.example \"],\"phone\":\"+44 1\",\"title\":\"CTO\",\"accountId\":\""
                        + accountId
                        + "\"}"));
    assertEquals(List.of("ada@acme.example"), strings(contact, "emails"));
    assertEquals(accountId, contact.getString("accountId"));
    JsonObject lead =
        created(
            api()
                .post(
                    "/api/records/leads",
                    token,
                    "{\"lastName\":\"Babbage\",\"company\":\"Engines\"}"));
    assertTrue(lead.isNull("firstName"), "absent fields are null: " + lead);
    assertEquals("Engines", lead.getString("company"));
    JsonObject opportunity =
        created(
            api()
                .post(
                    "/api/records/opportunities",
                    token,
                    "{\"name\":\"Big deal\",\"stage\":\"Proposal\",\"amount\":12500.50,\"closeDate\":\"2027-03-31\",\"accountId\":\""
                        + accountId
                        + "\"}"));
    assertEquals("12500.50", opportunity.getJsonNumber("amount").bigDecimalValue().toPlainString());
    JsonObject kase =
        created(
            api()
                .post(
                    "/api/records/cases",
                    token,
                    "{\"subject\":\"Printer on fire\",\"status\":\"Open\",\"contactId\":\""
                        + contact.getString("id")
                        + "\",\"accountId\":\""
                        + accountId
                        + "\"}"));

    List<String> ids = new ArrayList<>();
    for (JsonObject record : List.of(account, contact, lead, opportunity, kase)) {
      ids.add(record.getString("id"));
    }
    assertEquals(5, new HashSet<>(ids).size(), "ids are unique across types");

    String contactPath = "/api/records/contacts/" + contact.getString("id");
    assertEquals(contact, api().get(contactPath, token).json());
    Reply updated =
        api()
            .put(
                contactPath,
                token,
                "{\"firstName\":\"Augusta Ada\",\"lastName\":\"King\",\"emails\":[\"ada@acme.example\",\"ada.king@acme.example\"]}");
    assertEquals(200, updated.status(), updated.body());
    assertEquals("Augusta Ada", updated.json().getString("firstName"));
    assertTrue(updated.json().isNull("accountId"), "a PUT replaces every field");
    assertEquals(updated.json(), api().get(contactPath, token).json());

    Reply list = api().get("/api/records/opportunities", token);
    assertEquals(200, list.status());
    assertEquals(1, list.json().getJsonArray("items").size());
    assertTrue(list.json().isNull("next"));

    assertEquals(204, api().delete("/api/records/accounts/" + accountId, token).status());
    assertEquals(404, api().get("/api/records/accounts/" + accountId, token).status());
    assertTrue(
        api()
            .get("/api/records/opportunities/" + opportunity.getString("id"), token)
            .json()
            .isNull("accountId"),
        "records that pointed at the deleted account lose the link, not their existence");
    assertEquals(
        404,
        api().get("/api/records/contacts/" + lead.getString("id"), token).status(),
        "the type in the path must match");
    assertEquals(404, api().get("/api/records/widgets", token).status());
  }

  @Test
  void invalidFieldsAreRefusedWithTheFieldNamed() {
    String token = signIn("Validation");
    assertInvalid(api().post("/api/records/accounts", token, "{}"), "name");
    assertInvalid(
        api()
            .post(
                "/api/records/accounts", token, "{\"name\":\"X\",\"domains\":[\"not a domain\"]}"),
        "domains");
    assertInvalid(api().post("/api/records/accounts", token, "{\"name\":42}"), "name");
    assertInvalid(
        api().post("/api/records/contacts", token, "{\"title\":\"No name\"}"), "lastName");
    assertInvalid(
        api().post("/api/records/contacts", token, "{\"lastName\":\"X\",\"emails\":[\"nope\"]}"),
        "emails");
    assertInvalid(
        api()
            .post(
                "/api/records/contacts", token, "{\"lastName\":\"X\",\"emails\":\"a@b.example\"}"),
        "emails");
    assertInvalid(
        api()
            .post("/api/records/contacts", token, "{\"lastName\":\"X\",\"accountId\":\"missing\"}"),
        "accountId");
    assertInvalid(
        api().post("/api/records/leads", token, "{\"lastName\":\"X\",\"accountId\":\"a\"}"),
        "accountId");
    assertInvalid(
        api().post("/api/records/opportunities", token, "{\"name\":\"X\",\"amount\":\"lots\"}"),
        "amount");
    assertInvalid(
        api().post("/api/records/opportunities", token, "{\"name\":\"X\",\"amount\":-5}"),
        "amount");
    assertInvalid(
        api()
            .post(
                "/api/records/opportunities",
                token,
                "{\"name\":\"X\",\"closeDate\":\"31/12/2026\"}"),
        "closeDate");
    assertInvalid(api().post("/api/records/cases", token, "{\"status\":\"Open\"}"), "subject");
    assertInvalid(
        api().post("/api/records/cases", token, "{\"subject\":\"S\",\"colour\":\"red\"}"),
        "colour");
    assertInvalid(
        api().post("/api/records/cases", token, "{\"subject\":\"" + "x".repeat(501) + "\"}"),
        "subject");
    Reply notJson = api().post("/api/records/cases", token, "{\"subject\":");
    assertEquals(400, notJson.status(), notJson.body());
    assertInvalid(api().get("/api/records/cases?limit=500", token), "limit");
    assertInvalid(api().get("/api/records/cases?email=a@b.example", token), "email");
  }

  @Test
  void recordsAreFoundByNamePrefixAndByAddress() {
    String token = signIn("Search");
    String ada =
        created(
                api()
                    .post(
                        "/api/records/contacts",
                        token,
                        "{\"firstName\":\"Ada\",\"lastName\":\"Lovelace\",\"emails\":[\"ada@engines.example\"]}"))
            .getString("id");
    created(
        api()
            .post(
                "/api/records/contacts",
                token,
                "{\"firstName\":\"Charles\",\"lastName\":\"Babbage\"}"));
    String account =
        created(
                api()
                    .post(
                        "/api/records/accounts",
                        token,
                        "{\"name\":\"Analytical Engines\",\"domains\":[\"engines.example\"]}"))
            .getString("id");

    assertEquals(List.of(ada), ids(api().get("/api/records/contacts?q=LOV", token)));
    assertEquals(List.of(ada), ids(api().get("/api/records/contacts?q=ada%20lo", token)));
    assertEquals(List.of(), ids(api().get("/api/records/contacts?q=zebra", token)));
    assertEquals(
        List.of(ada),
        ids(api().get("/api/records/contacts?email=%20ADA@Engines.EXAMPLE%20", token)));
    assertEquals(List.of(), ids(api().get("/api/records/contacts?email=ada@other.example", token)));
    assertEquals(
        List.of(account),
        ids(api().get("/api/records/accounts?email=someone@eu.engines.example", token)));
    assertEquals(List.of(account), ids(api().get("/api/records/accounts?q=engi", token)));
  }

  @Test
  void pagingIsStableWhileRecordsAreAdded() throws Exception {
    String token = signIn("Paging");
    Set<String> existing = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      existing.add(
          created(api().post("/api/records/leads", token, "{\"lastName\":\"Lead " + i + "\"}"))
              .getString("id"));
    }
    ApiClient other = api(); // built here: the request scope does not reach other threads
    ExecutorService writer = Executors.newSingleThreadExecutor();
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Reply page =
          api()
              .get(
                  "/api/records/leads?limit=7" + (cursor == null ? "" : "&cursor=" + cursor),
                  token);
      assertEquals(200, page.status(), page.body());
      seen.addAll(ids(page));
      cursor = page.json().isNull("next") ? null : page.json().getString("next");
      // Others keep adding records while this client pages.
      Future<?> inserts =
          writer.submit(
              () -> {
                for (int i = 0; i < 3; i++) {
                  other.post("/api/records/leads", token, "{\"lastName\":\"Late lead\"}");
                }
              });
      inserts.get();
      pages++;
    } while (cursor != null && pages < 100);
    writer.shutdown();
    assertEquals(seen.size(), new HashSet<>(seen).size(), "no record appears twice");
    assertTrue(
        seen.containsAll(existing), "every record that existed before paging began was seen");
  }

  @Test
  void anotherOrgsRecordsAreNotFound() {
    String tokenA = signIn("Records A");
    String tokenB = signIn("Records B");
    JsonObject account =
        created(
            api()
                .post(
                    "/api/records/accounts",
                    tokenA,
                    "{\"name\":\"Secret Account\",\"domains\":[\"secret.example\"]}"));
    String path = "/api/records/accounts/" + account.getString("id");
    assertEquals(404, api().get(path, tokenB).status());
    assertEquals(404, api().put(path, tokenB, "{\"name\":\"Hijacked\"}").status());
    assertEquals(404, api().delete(path, tokenB).status());
    assertEquals(404, api().get(path + "/timeline", tokenB).status());
    assertEquals(List.of(), ids(api().get("/api/records/accounts", tokenB)));
    assertEquals(List.of(), ids(api().get("/api/records/accounts?q=secret", tokenB)));
    assertInvalid(
        api()
            .post(
                "/api/records/contacts",
                tokenB,
                "{\"lastName\":\"X\",\"accountId\":\"" + account.getString("id") + "\"}"),
        "accountId");
    assertEquals(
        "Secret Account", api().get(path, tokenA).json().getString("name"), "nothing was changed");
  }

  @Test
  void aCsvFileIsImportedRowByRowWithReasonsForRejectedRows() {
    String token = signIn("Import");
    String csv =
        "\uFEFFFirstName,lastName,Email,phone,title\r\n"
            + "Grace,Hopper,grace@navy.example,,Rear Admiral\r\n"
            + "\"Katherine \"\"Kat\"\"\",Johnson,\"kat@nasa.example; kj@nasa.example\",+1 555,\"Mathematician,\nNASA\"\r\n"
            + "Bad,Address,not-an-address,,\r\n"
            + ",,nobody@x.example,,\r\n"
            + "Alan,Turing,alan@bletchley.example,,\r\n";
    Reply reply = api().postCsv("/api/records/contacts/import", token, csv);
    assertEquals(200, reply.status(), reply.body());
    JsonObject report = reply.json();
    assertEquals(3, report.getInt("accepted"), reply.body());
    assertEquals(2, report.getInt("rejected"));
    assertTrue(report.getBoolean("complete"));
    assertEquals(3, report.getJsonArray("errors").getJsonObject(0).getInt("row"));
    assertTrue(
        report.getJsonArray("errors").getJsonObject(0).getString("message").startsWith("emails"));
    assertEquals(4, report.getJsonArray("errors").getJsonObject(1).getInt("row"));

    JsonObject kat =
        api()
            .get("/api/records/contacts?email=kj@nasa.example", token)
            .json()
            .getJsonArray("items")
            .getJsonObject(0);
    assertEquals("Katherine \"Kat\"", kat.getString("firstName"));
    assertEquals("Mathematician,\nNASA", kat.getString("title"));
    assertEquals(List.of("kat@nasa.example", "kj@nasa.example"), strings(kat, "emails"));

    Reply unknownColumn =
        api().postCsv("/api/records/contacts/import", token, "firstName,shoeSize\nA,42\n");
    assertEquals(400, unknownColumn.status());
    assertEquals("invalid_csv", unknownColumn.error());
    assertTrue(unknownColumn.json().getString("message").contains("shoeSize"));

    Reply accounts =
        api().postCsv("/api/records/accounts/import", token, "name,domains\nNavy,navy.example\n");
    assertEquals(1, accounts.json().getInt("accepted"), accounts.body());
    assertEquals(1, ids(api().get("/api/records/accounts?email=grace@navy.example", token)).size());
  }

  private static JsonObject created(Reply reply) {
    assertEquals(201, reply.status(), reply.body());
    return reply.json();
  }

  private static void assertInvalid(Reply reply, String field) {
    assertEquals(400, reply.status(), reply.body());
    assertEquals("invalid_field", reply.error(), reply.body());
    assertTrue(reply.json().getString("message").startsWith(field + ":"), reply.body());
  }

  private static List<String> ids(Reply reply) {
    assertEquals(200, reply.status(), reply.body());
    return reply.json().getJsonArray("items").getValuesAs(JsonObject.class).stream()
        .map(o -> o.getString("id"))
        .toList();
  }

  private static List<String> strings(JsonObject record, String field) {
    return record.getJsonArray(field).getValuesAs(jakarta.json.JsonString.class).stream()
        .map(jakarta.json.JsonString::getString)
        .toList();
  }
}

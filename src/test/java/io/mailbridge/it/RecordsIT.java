package io.mailbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.it.ApiClient.Reply;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
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
    return testOrgs.signedIn(label, api()).repToken();
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
  void aCsvFileIsImportedRowByRowWithReasonsForSkippedRows() {
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
    assertEquals(3, report.getInt("created"), reply.body());
    assertEquals(2, report.getInt("skipped"));
    assertEquals(0, report.getInt("updated") + report.getInt("unchanged"));
    assertTrue(report.getBoolean("complete"));
    List<JsonObject> rows = report.getJsonArray("rows").getValuesAs(JsonObject.class);
    assertEquals(5, rows.size(), "one entry per data row");
    assertEquals("created", rows.get(0).getString("outcome"));
    assertEquals(
        api()
            .get("/api/records/contacts?email=grace@navy.example", token)
            .json()
            .getJsonArray("items")
            .getJsonObject(0)
            .getString("id"),
        rows.get(0).getString("id"));
    assertEquals(3, rows.get(2).getInt("row"));
    assertEquals("skipped", rows.get(2).getString("outcome"));
    assertEquals(
        "Row 3, column \"Email\": \"not-an-address\" is not an email address.",
        rows.get(2).getString("reason"));
    assertEquals("skipped", rows.get(3).getString("outcome"));
    assertTrue(rows.get(3).getString("reason").startsWith("Row 4, column "), reply.body());

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
    Reply twoAddressColumns =
        api()
            .postCsv(
                "/api/records/contacts/import", token, "lastName,email,emails\nA,a@x.example,\n");
    assertEquals(400, twoAddressColumns.status());
    assertTrue(
        twoAddressColumns.json().getString("message").contains("\"email\" and \"emails\""),
        twoAddressColumns.body());

    Reply accounts =
        api().postCsv("/api/records/accounts/import", token, "name,domains\nNavy,navy.example\n");
    assertEquals(1, accounts.json().getInt("created"), accounts.body());
    assertEquals(1, ids(api().get("/api/records/accounts?email=grace@navy.example", token)).size());
  }

  @Test
  void postingTheSameFileAgainUpdatesTheRecordsInsteadOfAddingThem() {
    String token = signIn("Reimport");
    String contacts =
        "firstName,lastName,email,title\n"
            + "Grace,Hopper,grace@navy.example,Rear Admiral\n"
            + "Alan,Turing,alan@bletchley.example,\n"
            + "Ada,Lovelace,ada@engines.example,Countess\n";
    JsonObject first = importCsv(token, "contacts", contacts, null);
    assertEquals(3, first.getInt("created"), first.toString());
    List<String> createdIds = rowIds(first);

    JsonObject again = importCsv(token, "contacts", contacts, null);
    assertEquals(0, again.getInt("created"), again.toString());
    assertEquals(3, again.getInt("unchanged"), again.toString());
    assertEquals(createdIds, rowIds(again), "each row names the record it matched");
    assertEquals(3, ids(api().get("/api/records/contacts?limit=200", token)).size());

    // The CRM's next export: a new title, an address added, in another order and case.
    String changed =
        "email,firstName,lastName,title\n"
            + "ADA@engines.example,Ada,Lovelace,Countess\n"
            + "\"grace@navy.example, hopper@navy.example\",Grace,Hopper,Rear Admiral\n"
            + "alan@bletchley.example,Alan,Turing,Cryptanalyst\n";
    JsonObject updated = importCsv(token, "contacts", changed, null);
    assertEquals(0, updated.getInt("created"), updated.toString());
    assertEquals(2, updated.getInt("updated"), updated.toString());
    assertEquals(1, updated.getInt("unchanged"));
    assertEquals(3, ids(api().get("/api/records/contacts?limit=200", token)).size());
    JsonObject alan = api().get("/api/records/contacts/" + createdIds.get(1), token).json();
    assertEquals("Cryptanalyst", alan.getString("title"));
    assertEquals(
        List.of("grace@navy.example", "hopper@navy.example"),
        strings(api().get("/api/records/contacts/" + createdIds.get(0), token).json(), "emails"));

    // A file without the title column keeps the stored titles.
    JsonObject narrower =
        importCsv(token, "contacts", "email,lastName\nalan@bletchley.example,Turing\n", null);
    assertEquals(1, narrower.getInt("unchanged"), narrower.toString());
    assertEquals(
        "Cryptanalyst",
        api().get("/api/records/contacts/" + createdIds.get(1), token).json().getString("title"));

    JsonObject leads = importCsv(token, "leads", contacts, null);
    assertEquals(3, leads.getInt("created"), "contacts and leads are matched within their type");
    assertEquals(3, importCsv(token, "leads", contacts, null).getInt("unchanged"));

    String accounts = "name,domains\nNavy,navy.example\nBletchley Park,\n";
    assertEquals(2, importCsv(token, "accounts", accounts, null).getInt("created"));
    JsonObject accountsAgain =
        importCsv(
            token, "accounts", "name,domains\nU.S. Navy,navy.example\nbletchley  PARK,\n", null);
    assertEquals(0, accountsAgain.getInt("created"), accountsAgain.toString());
    assertEquals(2, accountsAgain.getInt("updated"), "by domain, and by name in any case");
    assertEquals(2, ids(api().get("/api/records/accounts?limit=200", token)).size());
  }

  @Test
  void aCorrectedFilePostedAfterABadRowAddsNoDuplicates() {
    String token = signIn("Corrected");
    StringBuilder good = new StringBuilder("firstName,lastName,email\n");
    StringBuilder bad = new StringBuilder(good);
    for (int i = 1; i <= 20; i++) {
      String email = i == 11 ? "person11-at-example" : "person" + i + "@corp.example";
      bad.append("P").append(i).append(",Person,").append(email).append('\n');
      good.append("P").append(i).append(",Person,person").append(i).append("@corp.example\n");
    }
    JsonObject broken = importCsv(token, "contacts", bad.toString(), null);
    assertEquals(19, broken.getInt("created"), broken.toString());
    assertEquals(1, broken.getInt("skipped"));
    assertEquals(11, skippedRows(broken).get(0).getInt("row"));

    JsonObject corrected = importCsv(token, "contacts", good.toString(), null);
    assertEquals(1, corrected.getInt("created"), corrected.toString());
    assertEquals(19, corrected.getInt("unchanged"));
    assertEquals(20, ids(api().get("/api/records/contacts?limit=200", token)).size());

    // Opportunities have no address: the Idempotency-Key makes the re-post resume.
    String key = "crm-export-" + UUID.randomUUID();
    String badDeals =
        "name,stage,amount\nDeal A,Won,100\nDeal B,Won,lots\nDeal C,Lost,300\nDeal C,Lost,300\n";
    JsonObject firstTry = importCsv(token, "opportunities", badDeals, key);
    assertEquals(3, firstTry.getInt("created"), firstTry.toString());
    assertEquals(
        "Row 2, column \"amount\": \"lots\" is not a number.",
        skippedRows(firstTry).get(0).getString("reason"));
    String goodDeals =
        "name,stage,amount\nDeal A,Won,100\nDeal B,Won,200\nDeal C,Lost,300\nDeal C,Lost,300\n";
    JsonObject resumed = importCsv(token, "opportunities", goodDeals, key);
    assertEquals(1, resumed.getInt("created"), resumed.toString());
    assertEquals(3, resumed.getInt("unchanged"), "both copies of Deal C were stored before");
    assertEquals(4, ids(api().get("/api/records/opportunities?limit=200", token)).size());
    assertEquals(4, importCsv(token, "opportunities", goodDeals, key).getInt("unchanged"));
    assertEquals(
        4,
        importCsv(token, "opportunities", goodDeals, "another import").getInt("created"),
        "a new key is a new import");
  }

  @Test
  void anImportStoppedByAnUnreadableRowResumesWhenTheFixedFileIsPosted() {
    String token = signIn("Unreadable");
    String key = UUID.randomUUID().toString();
    String broken = "subject,status\nPrinter on fire,Open\n\"Toner\"low,Open\nFax jammed,Open\n";
    JsonObject stopped = importCsv(token, "cases", broken, key);
    assertFalse(stopped.getBoolean("complete"), stopped.toString());
    assertEquals(1, stopped.getInt("created"));
    String why = stopped.getString("stopped");
    assertTrue(why.startsWith("Row 2 (line 3 of the file) has text right after"), why);
    assertNoExceptionNamed(why);

    JsonObject unclosed =
        importCsv(token, "cases", "subject,status\nPrinter on fire,Open\n\"Open quote,x\n", key);
    assertNoExceptionNamed(unclosed.getString("stopped"));
    assertTrue(unclosed.getString("stopped").contains("not closed"), unclosed.toString());

    byte[] latin1 =
        "subject\nFirst\nCaf\u00e9 order\nLast\n"
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    Reply notUtf8 = api().postCsv("/api/records/cases/import", signIn("Not UTF-8"), latin1, null);
    assertEquals(200, notUtf8.status(), notUtf8.body());
    assertEquals(2, notUtf8.json().getInt("created"), "the rows around it are imported");
    assertEquals(
        "Row 2, column \"subject\" is not UTF-8 text; save the file as UTF-8 (\"CSV UTF-8\") and"
            + " send it again.",
        skippedRows(notUtf8.json()).get(0).getString("reason"));
    Reply headerNotUtf8 =
        api()
            .postCsv(
                "/api/records/cases/import",
                token,
                "subject,st\u00e4tus\nX,Y\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                null);
    assertEquals(400, headerNotUtf8.status(), headerNotUtf8.body());
    assertTrue(
        headerNotUtf8.json().getString("message").startsWith("The header row is not UTF-8 text"),
        headerNotUtf8.body());

    String fixed = "subject,status\nPrinter on fire,Open\nToner low,Open\nFax jammed,Open\n";
    JsonObject finished = importCsv(token, "cases", fixed, key);
    assertTrue(finished.getBoolean("complete"), finished.toString());
    assertEquals(1, finished.getInt("unchanged"), finished.toString());
    assertEquals(2, finished.getInt("created"));
    assertEquals(3, ids(api().get("/api/records/cases?limit=200", token)).size());
  }

  @Test
  void anImportWhoseClientWentAwayIsFinishedByPostingTheFileAgain() throws Exception {
    String token = signIn("Disconnect");
    String key = UUID.randomUUID().toString();
    StringBuilder file = new StringBuilder("name,stage\n");
    for (int i = 1; i <= 40; i++) {
      file.append("Deal ").append(i).append(",Open\n");
    }
    byte[] bytes = file.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int sent = file.indexOf("Deal 16,"); // rows 1 to 15, then the connection closes
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", request.getLocalPort())) {
      java.io.OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /api/records/opportunities/import HTTP/1.1\r\n"
                  + "Host: 127.0.0.1\r\n"
                  + "Authorization: Bearer "
                  + token
                  + "\r\nContent-Type: text/csv\r\nIdempotency-Key: "
                  + key
                  + "\r\nContent-Length: "
                  + bytes.length
                  + "\r\n\r\n")
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.write(bytes, 0, sent);
      out.flush();
      Thread.sleep(500);
    }
    int stored = 0;
    for (int i = 0; i < 60 && stored < 15; i++) {
      Thread.sleep(250);
      stored = ids(api().get("/api/records/opportunities?limit=200", token)).size();
    }
    assertEquals(15, stored, "the rows that arrived were stored");

    JsonObject finished =
        api().postCsv("/api/records/opportunities/import", token, bytes, key).json();
    assertTrue(finished.getBoolean("complete"), finished.toString());
    assertEquals(15, finished.getInt("unchanged"), finished.toString());
    assertEquals(25, finished.getInt("created"));
    assertEquals(40, ids(api().get("/api/records/opportunities?limit=200", token)).size());
  }

  @Test
  void aBadIdempotencyKeyIsRefused() {
    String token = signIn("Bad key");
    Reply tooLong =
        api()
            .postCsv(
                "/api/records/cases/import",
                token,
                "subject\nX\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "k".repeat(201));
    assertEquals(400, tooLong.status(), tooLong.body());
    assertEquals("invalid_idempotency_key", tooLong.error());
    assertEquals(List.of(), ids(api().get("/api/records/cases", token)), "nothing was imported");
  }

  private JsonObject importCsv(String token, String type, String csv, String key) {
    Reply reply =
        api()
            .postCsv(
                "/api/records/" + type + "/import",
                token,
                csv.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                key);
    assertEquals(200, reply.status(), reply.body());
    assertNoExceptionNamed(reply.body());
    return reply.json();
  }

  private static List<String> rowIds(JsonObject report) {
    return report.getJsonArray("rows").getValuesAs(JsonObject.class).stream()
        .map(row -> row.getString("id"))
        .toList();
  }

  private static List<JsonObject> skippedRows(JsonObject report) {
    return report.getJsonArray("rows").getValuesAs(JsonObject.class).stream()
        .filter(row -> row.getString("outcome").equals("skipped"))
        .toList();
  }

  private static void assertNoExceptionNamed(String text) {
    assertFalse(
        java.util.regex.Pattern.compile("[A-Z][A-Za-z]*(Exception|Error)\\b").matcher(text).find(),
        "no Java class names in: " + text);
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

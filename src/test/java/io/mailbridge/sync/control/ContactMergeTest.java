package io.mailbridge.sync.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContactMergeTest {

  private static final List<String> FIELDS = ContactMerge.CONTACT_FIELDS;
  private static final Instant EARLY = Instant.parse("2026-11-30T10:00:00Z");
  private static final Instant LATE = Instant.parse("2026-11-30T11:00:00Z");

  private static JsonObject doc(String title, String phone) {
    var b = Json.createObjectBuilder().add("lastName", "Field");
    if (title != null) {
      b.add("title", title);
    }
    if (phone != null) {
      b.add("phone", phone);
    }
    return b.build();
  }

  @Test
  void aFieldChangedOnOneSideTakesThatSidesValue() {
    ContactMerge.Outcome out =
        ContactMerge.merge(FIELDS, doc("A", "1"), doc("B", "1"), doc("A", "2"), EARLY, LATE);
    assertEquals("B", out.merged().getString("title"));
    assertEquals("2", out.merged().getString("phone"));
    assertTrue(out.crmChanges());
    assertTrue(out.mailChanges());
    assertEquals(List.of(), out.conflicts());
  }

  @Test
  void bothChangedTheSameFieldTheLaterWriteWinsAndTheOtherIsReported() {
    ContactMerge.Outcome mailLater =
        ContactMerge.merge(FIELDS, doc("A", null), doc("B", null), doc("C", null), EARLY, LATE);
    assertEquals("C", mailLater.merged().getString("title"));
    assertEquals(1, mailLater.conflicts().size());
    assertFalse(mailLater.conflicts().get(0).crmWon());
    assertEquals(Json.createValue("B"), mailLater.conflicts().get(0).lost());

    ContactMerge.Outcome crmLater =
        ContactMerge.merge(FIELDS, doc("A", null), doc("B", null), doc("C", null), LATE, EARLY);
    assertEquals("B", crmLater.merged().getString("title"));
    assertTrue(crmLater.conflicts().get(0).crmWon());
    assertFalse(crmLater.crmChanges());
    assertTrue(crmLater.mailChanges());
  }

  @Test
  void emptyTextsAndListsAgreeWithMissingFields() {
    JsonObject crm =
        Json.createObjectBuilder()
            .add("lastName", "Field")
            .add("title", "")
            .add("emails", Json.createArrayBuilder())
            .build();
    ContactMerge.Outcome out =
        ContactMerge.merge(FIELDS, doc(null, null), crm, doc(null, null), EARLY, LATE);
    assertFalse(out.crmChanges());
    assertFalse(out.mailChanges());
  }
}

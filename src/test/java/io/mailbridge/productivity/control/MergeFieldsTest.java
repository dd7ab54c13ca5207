package io.mailbridge.productivity.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.productivity.control.MergeFields.Rendered;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MergeFieldsTest {

  private final JsonObject contact =
      Json.createObjectBuilder()
          .add("firstName", "Ann")
          .add("lastName", "")
          .addNull("phone")
          .add("emails", Json.createArrayBuilder().add("ann@acme.example").add("a2@acme.example"))
          .build();
  private final JsonObject account = Json.createObjectBuilder().add("name", "Acme & Sons").build();

  @Test
  void fieldsAreFilledAndMissingOnesTakeTheirDefault() {
    Rendered out =
        MergeFields.render(
            "Hi {{contact.firstName|there}} {{contact.lastName}}!\n"
                + "{{ contact.phone | no phone }}, {{contact.email}}, {{account.name}},"
                + " {{opportunity.stage|new}}",
            Map.of("contact", contact, "account", account));
    assertEquals("Hi Ann !\nno phone, ann@acme.example, Acme & Sons, new", out.text());
    assertEquals("Hi Ann !<br>\nno phone, ann@acme.example, Acme &amp; Sons, new", out.html());
  }

  @Test
  void withoutARecordEveryFieldTakesItsDefaultOrNothing() {
    assertEquals(
        "Dear there, from ",
        MergeFields.render("Dear {{contact.firstName|there}}, from {{account.name}}", Map.of())
            .text());
  }

  @Test
  void markupInARecordStaysTextInTheHtml() {
    JsonObject evil =
        Json.createObjectBuilder().add("name", "<img src=x onerror=alert(1)>\"'").build();
    Rendered out = MergeFields.render("<b>{{account.name}}</b>", Map.of("account", evil));
    assertEquals("<b><img src=x onerror=alert(1)>\"'</b>", out.text(), "text is text");
    assertEquals(
        "&lt;b&gt;&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&lt;/b&gt;",
        out.html(),
        "neither the shortcut's nor the record's text becomes markup");
    assertTrue(!out.html().contains("<img"));
  }

  @Test
  void numbersAndUnknownBracesAreWrittenSensibly() {
    JsonObject opportunity =
        Json.createObjectBuilder().add("amount", new java.math.BigDecimal("12500.50")).build();
    assertEquals(
        "12500.50 {{not a field}}",
        MergeFields.render(
                "{{opportunity.amount}} {{not a field}}", Map.of("opportunity", opportunity))
            .text());
  }

  @Test
  void problemsNameTheWrongFields() {
    assertEquals(
        List.of(), MergeFields.problems("Hi {{contact.firstName|there}} {{me.displayName}}"));
    assertEquals(1, MergeFields.problems("{{contact.fistName}}").size());
    assertTrue(MergeFields.problems("{{contact.fistName}}").get(0).contains("firstName"));
    assertEquals(1, MergeFields.problems("{{robot.name}}").size());
    assertEquals(1, MergeFields.problems("{{firstName}}").size());
  }
}

package io.mailbridge.crm.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.crm.entity.RecordType;
import io.mailbridge.platform.problem.InvalidField;
import io.mailbridge.platform.web.boundary.ErrorAnswer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecordFieldsTest {

  private static JsonObject json(String text) {
    return Json.createReader(new StringReader(text)).readObject();
  }

  @Test
  void addressesAndDomainsAreNormalizedAndDeduplicated() {
    ValidatedRecord contact =
        RecordFields.validate(
            RecordType.CONTACTS,
            json(
                "{\"lastName\":\" Doe \",\"emails\":[\" John@Example.COM\",\"john@example.com\"]}"));
    assertEquals(List.of("john@example.com"), contact.emails());
    assertEquals("Doe", contact.searchName());
    ValidatedRecord account =
        RecordFields.validate(
            RecordType.ACCOUNTS,
            json("{\"name\":\"X\",\"domains\":[\"@Example.com.\",\"www.example.com\"]}"));
    assertEquals(List.of("example.com", "www.example.com"), account.domains());
  }

  @Test
  void errorsNameTheField() {
    InvalidField problem =
        assertThrows(
            InvalidField.class,
            () ->
                RecordFields.validate(
                    RecordType.OPPORTUNITIES, json("{\"name\":\"N\",\"amount\":1.23456}")));
    assertEquals(400, ErrorAnswer.status(problem));
    assertTrue(problem.getMessage().startsWith("amount:"), problem.getMessage());
    assertTrue(
        assertThrows(
                InvalidField.class,
                () ->
                    RecordFields.validate(
                        RecordType.LEADS, json("{\"lastName\":\"L\",\"accountId\":\"x\"}")))
            .getMessage()
            .startsWith("accountId:"));
  }

  @Test
  void namePrefixesCoverTheWholeNameAndEachWordButNoTrailingSpaces() {
    Set<String> prefixes = RecordIndexes.namePrefixes("  Ada   LOVELACE ");
    assertTrue(
        prefixes.containsAll(
            List.of("ad", "ada", "ada l", "ada lovelace", "lo", "love", "lovelace")));
    assertTrue(
        prefixes.stream().allMatch(p -> p.length() >= RecordIndexes.MIN_PREFIX),
        prefixes.toString());
    assertTrue(prefixes.stream().noneMatch(p -> p.endsWith(" ")), prefixes.toString());
    assertTrue(prefixes.stream().allMatch(p -> p.length() <= RecordIndexes.MAX_PREFIX));
    assertTrue(RecordIndexes.namePrefixes(" ").isEmpty());
  }
}

package io.mailbridge.it.providers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderCallsTest {

  @Test
  void idsInPathsAreCountedAsOneOperation() {
    assertEquals(
        "PATCH /graph/v1.0/users/{id}/contactFolders/{id}/contacts/{id}",
        ProviderCalls.operationOf(
            "PATCH",
            "/graph/v1.0/users/rep@customer.example/contactFolders/AAMkFolder1/contacts/"
                + "AAMkContact9f3c"));
    assertEquals(
        "GET /graph/v1.0/me/contactFolders/{id}/contacts/delta",
        ProviderCalls.operationOf(
            "GET", "/graph/v1.0/me/contactFolders/AAMkFolder1/contacts/delta"));
    assertEquals(
        "GET /graph/v1.0/me/calendarView/delta()",
        ProviderCalls.operationOf("GET", "/graph/v1.0/me/calendarView/delta()"));
    assertEquals(
        "PATCH /google/v1/people/{id}:updateContact",
        ProviderCalls.operationOf("PATCH", "/google/v1/people/c8812345:updateContact"));
    assertEquals(
        "POST /google/v1/people:createContact",
        ProviderCalls.operationOf("POST", "/google/v1/people:createContact"));
    assertEquals(
        "POST /microsoft/{id}/oauth2/v2.0/token",
        ProviderCalls.operationOf(
            "POST", "/microsoft/3f1c2a9e-0b1e-4d3c-9f00-00000000be4c/oauth2/v2.0/token"));
  }

  @Test
  void sinceCountsOnlyWhatCameAfterTheSnapshot() {
    ProviderCalls calls = new ProviderCalls();
    calls.count("GET /a");
    Map<String, Integer> before = calls.snapshot();
    calls.count("GET /a");
    calls.count("POST /b");
    calls.count("POST /b");
    assertEquals(Map.of("GET /a", 1, "POST /b", 2), calls.since(before));
  }
}

package io.mailbridge.capture.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mailbridge.platform.problem.InvalidField;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class CaptureRulesTest {

  private static CaptureRules with(int backfill, int retention) {
    return new CaptureRules(
        backfill, retention, false, false, false, false, List.of(), List.of(), List.of(), "P");
  }

  private static String fieldOf(Runnable r) {
    return assertThrows(InvalidField.class, r::run).field();
  }

  @Test
  void theIssuesDefaults() {
    CaptureRules d = CaptureRules.DEFAULTS;
    assertEquals(180, d.backfillDays());
    assertEquals(730, d.retentionDays());
    assertEquals("Private", d.privateCategory());
    assertEquals(List.of(), d.internalDomains());
  }

  @Test
  void rangesAreInclusiveAndAnOutOfRangeValueNamesItsField() {
    with(0, 30);
    with(365, 1825);
    assertEquals("backfillDays", fieldOf(() -> with(-1, 730)));
    assertEquals("backfillDays", fieldOf(() -> with(366, 730)));
    assertEquals("retentionDays", fieldOf(() -> with(180, 29)));
    assertEquals("retentionDays", fieldOf(() -> with(180, 1826)));
  }

  @Test
  void listsAreCleanedAndCheckedEntryByEntry() {
    CaptureRules rules =
        new CaptureRules(
            180,
            730,
            false,
            false,
            false,
            false,
            List.of(" OurCo.example ", "@ourco.example"),
            List.of("Nora@Fabrikam.example", "nora@fabrikam.example"),
            List.of("lawfirm.example"),
            "  Private ");
    assertEquals(List.of("ourco.example"), rules.internalDomains());
    assertEquals(List.of("nora@fabrikam.example"), rules.excludedAddresses());
    assertEquals("Private", rules.privateCategory());
    assertEquals(
        "excludedAddresses",
        fieldOf(
            () ->
                new CaptureRules(
                    180,
                    730,
                    false,
                    false,
                    false,
                    false,
                    List.of(),
                    List.of("nobody"),
                    List.of(),
                    "P")));
    assertEquals(
        "excludedDomains",
        fieldOf(
            () ->
                new CaptureRules(
                    180,
                    730,
                    false,
                    false,
                    false,
                    false,
                    List.of(),
                    List.of(),
                    List.of("a@b.example"),
                    "P")));
    assertEquals(
        "internalDomains",
        fieldOf(
            () ->
                new CaptureRules(
                    180,
                    730,
                    false,
                    false,
                    false,
                    false,
                    List.of("localhost"),
                    List.of(),
                    List.of(),
                    "P")));
    assertEquals(
        "privateCategory",
        fieldOf(
            () ->
                new CaptureRules(
                    180, 730, false, false, false, false, List.of(), List.of(), List.of(), " ")));
    assertEquals(
        "excludedDomains",
        fieldOf(
            () ->
                new CaptureRules(
                    180,
                    730,
                    false,
                    false,
                    false,
                    false,
                    List.of(),
                    List.of(),
                    Collections.nCopies(1001, "x.example"),
                    "P")));
  }
}

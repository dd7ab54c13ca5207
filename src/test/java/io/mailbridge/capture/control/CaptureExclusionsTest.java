package io.mailbridge.capture.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.mailbridge.platform.problem.InvalidField;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class CaptureExclusionsTest {

  private static String fieldOf(Runnable r) {
    return assertThrows(InvalidField.class, r::run).field();
  }

  @Test
  void entriesAreCleanedLikeTheOrgsLists() {
    CaptureExclusions e =
        new CaptureExclusions(
            List.of(" Nora@Fabrikam.example ", "nora@fabrikam.example"),
            List.of("@LawFirm.example", "lawfirm.example"));
    assertEquals(List.of("nora@fabrikam.example"), e.excludedAddresses());
    assertEquals(List.of("lawfirm.example"), e.excludedDomains());
    CaptureExclusions none = new CaptureExclusions(null, null);
    assertEquals(List.of(), none.excludedAddresses());
    assertEquals(List.of(), none.excludedDomains());
  }

  @Test
  void aBadEntryOrTooManyNameTheirList() {
    assertEquals(
        "excludedAddresses", fieldOf(() -> new CaptureExclusions(List.of("nobody"), List.of())));
    assertEquals(
        "excludedAddresses",
        fieldOf(() -> new CaptureExclusions(Arrays.asList("a@b.example", null), List.of())));
    assertEquals(
        "excludedDomains", fieldOf(() -> new CaptureExclusions(List.of(), List.of("a@b.example"))));
    assertEquals(
        "excludedDomains", fieldOf(() -> new CaptureExclusions(List.of(), List.of("localhost"))));
    assertEquals(
        "excludedAddresses",
        fieldOf(() -> new CaptureExclusions(Collections.nCopies(1001, "a@b.example"), List.of())));
    assertEquals(
        "excludedDomains",
        fieldOf(() -> new CaptureExclusions(List.of(), List.of("x".repeat(260) + ".example"))));
  }
}

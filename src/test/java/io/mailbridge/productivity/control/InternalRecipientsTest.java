package io.mailbridge.productivity.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.platform.problem.InvalidField;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which recipients count as internal, and which internal domains an admin may set. */
class InternalRecipientsTest {

  private final List<String> domains = List.of("acme.example", "corp.example");

  @Test
  void anInternalDomainAndItsSubDomainsAreInternal() {
    assertTrue(EmailTracking.isAtDomain("ann@acme.example", domains));
    assertTrue(EmailTracking.isAtDomain("bob@eu.sales.corp.example", domains));
  }

  @Test
  void lookalikeDomainsAreNot() {
    assertFalse(EmailTracking.isAtDomain("eve@evilacme.example", domains));
    assertFalse(EmailTracking.isAtDomain("eve@acme.example.attacker.example", domains));
    assertFalse(EmailTracking.isAtDomain("acme.example@other.example", domains));
    assertFalse(EmailTracking.isAtDomain("ann@acme.example", List.of()));
  }

  @Test
  void internalDomainsAreNormalizedAndValidated() {
    assertEquals(
        List.of("acme.example", "corp.example"),
        ProductivitySwitches.normalize(
            List.of(" Acme.Example. ", "@corp.example", "acme.example")));
    assertEquals(List.of(), ProductivitySwitches.normalize(null));
    for (String bad :
        new String[] {"", "no spaces.example", "localhost", "a,b.example", "http://x.example"}) {
      InvalidField refused =
          assertThrows(InvalidField.class, () -> ProductivitySwitches.normalize(List.of(bad)), bad);
      assertEquals("internalDomains[0]", refused.field());
    }
    assertThrows(
        InvalidField.class, () -> ProductivitySwitches.normalize(Arrays.asList((String) null)));
    assertThrows(
        InvalidField.class,
        () ->
            ProductivitySwitches.normalize(
                java.util.Collections.nCopies(ProductivitySwitches.MAX_DOMAINS + 1, "a.example")));
  }
}

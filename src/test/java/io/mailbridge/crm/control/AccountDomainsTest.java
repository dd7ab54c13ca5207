package io.mailbridge.crm.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class AccountDomainsTest {

  private final ParticipantMatcher matcher = matcher("gmail.com, yahoo.co.uk");

  private static ParticipantMatcher matcher(String freeMail) {
    ParticipantMatcher matcher = new ParticipantMatcher();
    matcher.freeMailDomains = List.of(freeMail.split(","));
    return matcher;
  }

  @Test
  void anAddressMatchesItsDomainAndEveryParentWithTwoLabels() {
    assertEquals(
        List.of("eu.sales.acme.example", "sales.acme.example", "acme.example"),
        matcher.accountDomains(" Bob@EU.Sales.Acme.Example "));
    assertEquals(List.of("acme.example"), matcher.accountDomains("bob@acme.example"));
  }

  @Test
  void freeMailDomainsNeverMatch() {
    assertEquals(List.of(), matcher.accountDomains("someone@gmail.com"));
    assertEquals(List.of(), matcher.accountDomains("someone@yahoo.co.uk"));
  }

  @Test
  void whatIsNotAnAddressMatchesNothing() {
    assertEquals(List.of(), matcher.accountDomains("no-at-sign"));
    assertEquals(List.of(), matcher.accountDomains("trailing@"));
    assertEquals(List.of(), matcher.accountDomains("x@localhost"));
  }
}

package io.mailbridge.capture.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.capture.control.CapturePolicy.Skip;
import io.mailbridge.message.MailAddress;
import io.mailbridge.message.MailMessage;
import io.mailbridge.message.MessageMarks;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CapturePolicyTest {

  private static final String OWNER = "rep@ourco.example";
  private final CapturePolicy policy = new CapturePolicy();

  private static MailMessage mail(String from, String... to) {
    return new MailMessage(
        "test",
        "item-1",
        "<m1@x>",
        null,
        "Quote",
        MailAddress.of(from),
        java.util.Arrays.stream(to).map(MailAddress::of).toList(),
        List.of(),
        List.of(),
        false,
        Instant.parse("2026-11-01T10:00:00Z"),
        null,
        "body",
        null,
        10,
        List.of());
  }

  private static CaptureRules rules(
      boolean internal, boolean automated, boolean unmatched, List<String> internalDomains) {
    return new CaptureRules(
        180,
        730,
        internal,
        automated,
        unmatched,
        false,
        internalDomains,
        List.of(),
        List.of(),
        "Private");
  }

  private static CaptureRules excluding(List<String> addresses, List<String> domains) {
    return new CaptureRules(
        180, 730, false, false, false, false, List.of(), addresses, domains, "Do Not Capture");
  }

  private Skip skip(CaptureRules rules, MailMessage m, MessageMarks marks, boolean matched) {
    return policy.decide(rules, m, marks, OWNER, matched).skip();
  }

  private static MessageMarks headers(String name, String value) {
    return new MessageMarks(null, List.of(), Map.of(name, value));
  }

  @Test
  void aCustomerMailThatMatchesIsCaptured() {
    assertTrue(
        policy
            .decide(CaptureRules.DEFAULTS, mail("nora@fabrikam.example", OWNER), null, OWNER, true)
            .captured());
  }

  @Test
  void privateAndConfidentialItemsAreNeverCapturedWhateverElseIsAllowed() {
    CaptureRules everything = rules(true, true, true, List.of());
    MailMessage m = mail("nora@fabrikam.example", OWNER);
    for (String sensitivity :
        List.of("private", "Private", "confidential", "Company-Confidential")) {
      assertEquals(
          Skip.PRIVATE,
          skip(everything, m, new MessageMarks(sensitivity, List.of(), Map.of()), true),
          sensitivity);
    }
    assertEquals(
        null, skip(everything, m, new MessageMarks("personal", List.of(), Map.of()), true));
    assertEquals(null, skip(everything, m, new MessageMarks("normal", List.of(), Map.of()), true));
  }

  @Test
  void theDoNotCaptureCategoryKeepsAnItemOutInAnyCase() {
    CaptureRules rules = excluding(List.of(), List.of());
    MailMessage m = mail("nora@fabrikam.example", OWNER);
    assertEquals(
        Skip.DO_NOT_CAPTURE_CATEGORY,
        skip(rules, m, new MessageMarks(null, List.of("Red", "do not capture "), Map.of()), true));
    assertEquals(null, skip(rules, m, new MessageMarks(null, List.of("Red"), Map.of()), true));
  }

  @Test
  void anExcludedAddressAnywhereAmongTheParticipantsKeepsTheMailOut() {
    CaptureRules rules = excluding(List.of("CEO@Fabrikam.example"), List.of());
    assertEquals(
        Skip.EXCLUDED_ADDRESS,
        skip(rules, mail("nora@fabrikam.example", OWNER, "ceo@fabrikam.example"), null, true));
    assertEquals(
        Skip.EXCLUDED_ADDRESS, skip(rules, mail("CEO@fabrikam.example", OWNER), null, true));
    assertEquals(null, skip(rules, mail("nora@fabrikam.example", OWNER), null, true));
  }

  @Test
  void anExcludedDomainCoversItsSubdomainsButNotLookalikes() {
    CaptureRules rules = excluding(List.of(), List.of("@lawfirm.example"));
    assertEquals(Skip.EXCLUDED_DOMAIN, skip(rules, mail("a@lawfirm.example", OWNER), null, true));
    assertEquals(
        Skip.EXCLUDED_DOMAIN, skip(rules, mail("a@mail.lawfirm.example", OWNER), null, true));
    assertEquals(null, skip(rules, mail("a@notlawfirm.example", OWNER), null, true));
  }

  @Test
  void theOwnersOwnExclusionsKeepMailOutByTheSameRuleAsTheOrgs() {
    CaptureRules everything = rules(true, true, true, List.of());
    CaptureExclusions own =
        new CaptureExclusions(List.of(" Nora@Fabrikam.example"), List.of("lawfirm.example"));
    MailMessage fromNora = mail("nora@fabrikam.example", OWNER);
    assertEquals(
        Skip.EXCLUDED_ADDRESS, policy.decide(everything, own, fromNora, null, OWNER, true).skip());
    assertEquals(
        Skip.EXCLUDED_DOMAIN,
        policy
            .decide(everything, own, mail("a@mail.lawfirm.example", OWNER), null, OWNER, true)
            .skip());
    assertEquals(
        null,
        policy
            .decide(everything, own, mail("a@notlawfirm.example", OWNER), null, OWNER, true)
            .skip());
    // without them (another user's mailbox) the same mail is captured
    assertEquals(
        null,
        policy.decide(everything, CaptureExclusions.NONE, fromNora, null, OWNER, true).skip());
    // the org's lists still apply next to the owner's
    assertEquals(
        Skip.EXCLUDED_DOMAIN,
        policy
            .decide(
                excluding(List.of(), List.of("fabrikam.example")),
                CaptureExclusions.NONE,
                fromNora,
                null,
                OWNER,
                true)
            .skip());
    // private items stay private first
    assertEquals(
        Skip.PRIVATE,
        policy
            .decide(
                everything,
                own,
                fromNora,
                new MessageMarks("private", List.of(), Map.of()),
                OWNER,
                true)
            .skip());
  }

  @Test
  void bulkAndListHeadersMarkAutomatedMail() {
    CaptureRules rules = CaptureRules.DEFAULTS;
    MailMessage m = mail("news@fabrikam.example", OWNER);
    assertEquals(Skip.AUTOMATED, skip(rules, m, headers("List-Unsubscribe", "<mailto:u@x>"), true));
    assertEquals(Skip.AUTOMATED, skip(rules, m, headers("List-Id", "<news.fabrikam>"), true));
    assertEquals(Skip.AUTOMATED, skip(rules, m, headers("Precedence", "bulk"), true));
    assertEquals(Skip.AUTOMATED, skip(rules, m, headers("precedence", "List"), true));
    assertEquals(Skip.AUTOMATED, skip(rules, m, headers("Auto-Submitted", "auto-replied"), true));
    assertEquals(null, skip(rules, m, headers("Auto-Submitted", "no"), true));
    assertEquals(null, skip(rules, m, headers("Precedence", "first-class"), true));
  }

  @Test
  void noreplySendersAreAutomated() {
    CaptureRules rules = CaptureRules.DEFAULTS;
    for (String from :
        List.of(
            "noreply@fabrikam.example",
            "no-reply@fabrikam.example",
            "No_Reply+billing@fabrikam.example",
            "donotreply@fabrikam.example",
            "do-not-reply@fabrikam.example",
            "mailer-daemon@fabrikam.example")) {
      assertEquals(Skip.AUTOMATED, skip(rules, mail(from, OWNER), null, true), from);
    }
    assertEquals(null, skip(rules, mail("noreen@fabrikam.example", OWNER), null, true));
  }

  @Test
  void automatedMailIsCapturedWhenTheOrgSaysSo() {
    CaptureRules rules = rules(false, true, false, List.of());
    assertEquals(
        null,
        skip(rules, mail("noreply@fabrikam.example", OWNER), headers("Precedence", "bulk"), true));
  }

  @Test
  void internalOnlyMailIsSkippedByDefaultWithTheMailboxDomainAsInternal() {
    MailMessage colleagues = mail("boss@ourco.example", OWNER, "ops@OurCo.example");
    assertEquals(Skip.INTERNAL_ONLY, skip(CaptureRules.DEFAULTS, colleagues, null, true));
    assertEquals(
        null,
        skip(
            CaptureRules.DEFAULTS,
            mail("boss@ourco.example", OWNER, "x@fabrikam.example"),
            null,
            true));
    assertEquals(null, skip(rules(true, false, false, List.of()), colleagues, null, true));
  }

  @Test
  void listedInternalDomainsReplaceTheMailboxDomainAndIncludeSubdomains() {
    CaptureRules rules = rules(false, false, false, List.of("ourco.example", "ourco-labs.example"));
    assertEquals(
        Skip.INTERNAL_ONLY,
        skip(rules, mail("a@eu.ourco.example", OWNER, "b@ourco-labs.example"), null, true));
    assertEquals(
        List.of("x@fabrikam.example"),
        policy.external(rules, mail("a@ourco.example", OWNER, "x@fabrikam.example"), OWNER));
  }

  @Test
  void unmatchedMailIsSkippedUnlessTheOrgCapturesIt() {
    MailMessage m = mail("stranger@elsewhere.example", OWNER);
    assertEquals(Skip.UNMATCHED, skip(CaptureRules.DEFAULTS, m, null, false));
    assertEquals(null, skip(rules(false, false, true, List.of()), m, null, false));
  }

  @Test
  void theFirstRuleThatAppliesIsTheReasonGiven() {
    // Private beats everything; an excluded address beats automation and matching.
    CaptureRules rules = excluding(List.of("ceo@fabrikam.example"), List.of());
    MailMessage m = mail("noreply@fabrikam.example", "ceo@fabrikam.example");
    assertEquals(
        Skip.PRIVATE,
        skip(rules, m, new MessageMarks("private", List.of("Do Not Capture"), Map.of()), false));
    assertEquals(Skip.EXCLUDED_ADDRESS, skip(rules, m, null, false));
  }
}

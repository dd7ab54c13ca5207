package io.mailbridge.capture.control;

import io.mailbridge.message.MailAddress;
import io.mailbridge.message.MailMessage;
import io.mailbridge.message.MessageMarks;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides whether a message found in a mailbox is captured, from the org's {@link CaptureRules},
 * the message's participants and its {@link MessageMarks}; pure, so every rule is tested alone.
 * Rules in order, the first that applies wins: private items (sensitivity Private or Confidential),
 * the "do not capture" category or label, an excluded address, an excluded domain, automated mail,
 * internal-only mail, mail with no matching CRM record. The last three only when the org did not
 * switch their capture on. The mailbox's owner's own {@link CaptureExclusions} are checked right
 * after the org's lists, by the same rule.
 */
@ApplicationScoped
public class CapturePolicy {

  private static final Pattern NO_REPLY =
      Pattern.compile(
          "^(no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer[-_.]?daemon)([-+_.].*)?$",
          Pattern.CASE_INSENSITIVE);
  private static final Set<String> BULK_PRECEDENCE = Set.of("bulk", "list", "junk");
  private static final Set<String> PRIVATE_SENSITIVITY =
      Set.of("private", "confidential", "company-confidential");

  /** Why a message is not captured. */
  public enum Skip {
    PRIVATE,
    DO_NOT_CAPTURE_CATEGORY,
    EXCLUDED_ADDRESS,
    EXCLUDED_DOMAIN,
    AUTOMATED,
    INTERNAL_ONLY,
    UNMATCHED
  }

  /** The verdict: captured when {@code skip} is null. */
  public record Decision(Skip skip) {
    public static final Decision CAPTURE = new Decision(null);

    public boolean captured() {
      return skip == null;
    }
  }

  /**
   * @param mailboxAddress the captured mailbox's own address: its domain counts as internal when
   *     the org listed no internal domains
   * @param matched whether at least one external participant matched a CRM record
   */
  public Decision decide(
      CaptureRules rules,
      MailMessage message,
      MessageMarks marks,
      String mailboxAddress,
      boolean matched) {
    return decide(rules, CaptureExclusions.NONE, message, marks, mailboxAddress, matched);
  }

  /**
   * @param own the exclusions of the user whose mailbox this is, on top of the org's
   * @param mailboxAddress the captured mailbox's own address: its domain counts as internal when
   *     the org listed no internal domains
   * @param matched whether at least one external participant matched a CRM record
   */
  public Decision decide(
      CaptureRules rules,
      CaptureExclusions own,
      MailMessage message,
      MessageMarks marks,
      String mailboxAddress,
      boolean matched) {
    MessageMarks m = marks == null ? MessageMarks.NONE : marks;
    if (isPrivate(m)) {
      return new Decision(Skip.PRIVATE);
    }
    if (m.categories().stream()
        .anyMatch(c -> c.strip().equalsIgnoreCase(rules.privateCategory()))) {
      return new Decision(Skip.DO_NOT_CAPTURE_CATEGORY);
    }
    List<String> participants = participants(message);
    Skip excluded = excluded(participants, rules.excludedAddresses(), rules.excludedDomains());
    if (excluded == null && own != null) {
      excluded = excluded(participants, own.excludedAddresses(), own.excludedDomains());
    }
    if (excluded != null) {
      return new Decision(excluded);
    }
    if (!rules.captureAutomated() && isAutomated(message, m)) {
      return new Decision(Skip.AUTOMATED);
    }
    if (!rules.captureInternal()
        && !participants.isEmpty()
        && participants.stream().allMatch(a -> isInternal(a, rules, mailboxAddress))) {
      return new Decision(Skip.INTERNAL_ONLY);
    }
    if (!rules.captureUnmatched() && !matched) {
      return new Decision(Skip.UNMATCHED);
    }
    return Decision.CAPTURE;
  }

  /**
   * The participants CRM matching should look at: everyone outside the org's own domains (an
   * internal colleague must not tie a message to the company's own account).
   */
  public List<String> external(CaptureRules rules, MailMessage message, String mailboxAddress) {
    return participants(message).stream()
        .filter(a -> !isInternal(a, rules, mailboxAddress))
        .toList();
  }

  /** An excluded address among the participants, else a participant in an excluded domain. */
  private static Skip excluded(
      List<String> participants, List<String> addresses, List<String> domains) {
    if (participants.stream().anyMatch(addresses::contains)) {
      return Skip.EXCLUDED_ADDRESS;
    }
    if (participants.stream().anyMatch(a -> inAny(domainOf(a), domains))) {
      return Skip.EXCLUDED_DOMAIN;
    }
    return null;
  }

  static boolean isPrivate(MessageMarks marks) {
    return marks.sensitivity() != null && PRIVATE_SENSITIVITY.contains(marks.sensitivity());
  }

  static boolean isAutomated(MailMessage message, MessageMarks marks) {
    if (marks.header("List-Unsubscribe") != null || marks.header("List-Id") != null) {
      return true;
    }
    String precedence = marks.header("Precedence");
    if (precedence != null
        && BULK_PRECEDENCE.contains(precedence.strip().toLowerCase(Locale.ROOT))) {
      return true;
    }
    String autoSubmitted = marks.header("Auto-Submitted");
    if (autoSubmitted != null && !autoSubmitted.strip().toLowerCase(Locale.ROOT).startsWith("no")) {
      return true;
    }
    if (message.from() != null) {
      String from = message.from().normalized();
      int at = from.lastIndexOf('@');
      return NO_REPLY.matcher(at < 0 ? from : from.substring(0, at)).matches();
    }
    return false;
  }

  static boolean isInternal(String address, CaptureRules rules, String mailboxAddress) {
    List<String> internal = rules.internalDomains();
    if (internal.isEmpty() && mailboxAddress != null) {
      internal = List.of(domainOf(mailboxAddress.toLowerCase(Locale.ROOT)));
    }
    return inAny(domainOf(address), internal);
  }

  /** Whether the domain is one of the listed domains or a subdomain of one. */
  static boolean inAny(String domain, List<String> domains) {
    if (domain.isEmpty()) {
      return false;
    }
    for (String listed : domains) {
      if (domain.equals(listed) || domain.endsWith("." + listed)) {
        return true;
      }
    }
    return false;
  }

  static String domainOf(String address) {
    int at = address.lastIndexOf('@');
    return at < 0 ? "" : address.substring(at + 1);
  }

  /** From, To, Cc and Bcc, normalized, each once. */
  static List<String> participants(MailMessage message) {
    Set<String> all = new LinkedHashSet<>();
    List<MailAddress> list = new ArrayList<>();
    if (message.from() != null) {
      list.add(message.from());
    }
    list.addAll(message.to());
    list.addAll(message.cc());
    list.addAll(message.bcc());
    for (MailAddress address : list) {
      all.add(address.normalized());
    }
    return List.copyOf(all);
  }
}

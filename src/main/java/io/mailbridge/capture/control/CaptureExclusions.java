package io.mailbridge.capture.control;

import java.util.List;

/**
 * A user's own additions to the org's excluded addresses and domains, checked exactly as the org's
 * lists are ({@link CaptureRules}): trimmed, lower-cased, without duplicates, at most 1000 entries
 * each, and the first bad entry an {@code InvalidField} naming its list. They apply only to mail
 * captured from that user's own mailboxes.
 */
public record CaptureExclusions(List<String> excludedAddresses, List<String> excludedDomains) {

  public static final CaptureExclusions NONE = new CaptureExclusions(List.of(), List.of());

  public CaptureExclusions {
    excludedAddresses = CaptureRules.addresses("excludedAddresses", excludedAddresses);
    excludedDomains = CaptureRules.domains("excludedDomains", excludedDomains);
  }
}

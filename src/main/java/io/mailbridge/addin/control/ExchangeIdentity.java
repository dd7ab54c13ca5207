package io.mailbridge.addin.control;

/**
 * Who an Exchange identity token names: the Exchange user id, which is unique only together with
 * the server's authentication metadata URL (PROTOCOLS.md §1).
 */
public record ExchangeIdentity(String metadataUrl, String exchangeUserId) {

  /** The value whose keyed hash finds the link to a CRM user. */
  public String key() {
    return metadataUrl + "\n" + exchangeUserId;
  }

  /** The Exchange server's host, for people reading a sign-up page or an admin list. */
  public String host() {
    try {
      return java.net.URI.create(metadataUrl).getHost();
    } catch (IllegalArgumentException e) {
      return metadataUrl;
    }
  }
}

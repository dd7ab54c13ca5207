package io.mailbridge.mailbox.control;

import java.util.List;

/**
 * An admin's settings for the org's app at one provider. Null secrets keep the stored ones.
 *
 * @param clientSecret a new client secret, or null
 * @param privateKeyPem a new PKCS#8 private key (Microsoft certificate credentials), or null
 * @param certificatePem the certificate of that key; required with it
 * @param allowed Workspace domains (Google) or tenant ids (Microsoft); empty allows any
 */
public record ProviderAppSettings(
    String clientId,
    String clientSecret,
    String privateKeyPem,
    String certificatePem,
    List<String> allowed,
    boolean connectionsBlocked) {

  @Override
  public String toString() {
    return "ProviderAppSettings[clientId=" + clientId + ", allowed=" + allowed + "]";
  }
}

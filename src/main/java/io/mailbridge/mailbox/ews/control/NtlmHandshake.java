package io.mailbridge.mailbox.ews.control;

import io.mailbridge.platform.outbound.control.ConnectionHandshake;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * The NTLMv2 handshake of one request to Exchange (IIS's Windows authentication): NEGOTIATE in the
 * first request, the server's CHALLENGE answered by AUTHENTICATE on the same connection, with the
 * messages of {@link NtlmMessages} (NTLMv2 only, never NTLMv1 or LM).
 */
final class NtlmHandshake implements ConnectionHandshake {

  private static final Logger LOG = Logger.getLogger(NtlmHandshake.class.getName());
  private static final String SCHEME = "NTLM";

  private final NtlmAccount account;
  private byte[] negotiate;
  private boolean answered;

  NtlmHandshake(NtlmAccount account) {
    this.account = account;
  }

  @Override
  public String opening() {
    negotiate = NtlmMessages.negotiate();
    return SCHEME + " " + Base64.getEncoder().encodeToString(negotiate);
  }

  @Override
  public String answer(List<String> challenges) {
    if (answered || negotiate == null) {
      // The server refused our AUTHENTICATE: wrong credentials, not a reason to try again.
      return null;
    }
    String token = null;
    for (String challenge : challenges) {
      String value = challenge.strip();
      if (value.length() > SCHEME.length() + 1
          && value.substring(0, SCHEME.length() + 1).toUpperCase(Locale.ROOT).equals("NTLM ")) {
        token = value.substring(SCHEME.length() + 1).strip();
      }
    }
    if (token == null) {
      return null;
    }
    answered = true;
    try {
      byte[] challengeBytes = Base64.getDecoder().decode(token);
      byte[] authenticate =
          NtlmMessages.authenticate(
              negotiate, challengeBytes, account.domain(), account.username(), account.password());
      return SCHEME + " " + Base64.getEncoder().encodeToString(authenticate);
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      LOG.fine(() -> "Exchange's NTLM challenge could not be answered: " + e);
      return null;
    }
  }
}

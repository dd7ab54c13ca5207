package io.mailbridge.mailbox.ews.control;

import io.mailbridge.platform.outbound.control.ConnectionHandshake;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.logging.Logger;
import jcifs.CIFSContext;
import jcifs.CIFSException;
import jcifs.config.PropertyConfiguration;
import jcifs.context.BaseContext;
import jcifs.ntlmssp.Type1Message;
import jcifs.ntlmssp.Type2Message;
import jcifs.ntlmssp.Type3Message;

/**
 * The NTLMv2 handshake of one request to Exchange (IIS's Windows authentication): NEGOTIATE in the
 * first request, the server's CHALLENGE answered by AUTHENTICATE on the same connection. The
 * messages and the NTLMv2 response are computed by jcifs-ng's NTLMSSP implementation, not by
 * Mailbridge; LM compatibility level 3 (NTLMv2 only, never NTLMv1 or LM).
 */
final class NtlmHandshake implements ConnectionHandshake {

  private static final Logger LOG = Logger.getLogger(NtlmHandshake.class.getName());
  private static final String SCHEME = "NTLM";
  private static volatile CIFSContext context;

  private final NtlmAccount account;
  private byte[] negotiate;
  private boolean answered;

  NtlmHandshake(NtlmAccount account) {
    this.account = account;
  }

  @Override
  public String opening() {
    CIFSContext ntlm = context();
    Type1Message type1 =
        new Type1Message(ntlm, Type1Message.getDefaultFlags(ntlm), account.domain(), null);
    negotiate = type1.toByteArray();
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
      CIFSContext ntlm = context();
      Type2Message type2 = new Type2Message(challengeBytes);
      Type3Message type3 =
          new Type3Message(
              ntlm,
              type2,
              null,
              account.password(),
              account.domain(),
              account.username(),
              null,
              Type3Message.getDefaultFlags(ntlm, type2));
      if (type3.isMICRequired()) {
        type3.setupMIC(negotiate, challengeBytes);
      }
      return SCHEME + " " + Base64.getEncoder().encodeToString(type3.toByteArray());
    } catch (IllegalArgumentException | IOException | GeneralSecurityException e) {
      LOG.fine(() -> "Exchange's NTLM challenge could not be answered: " + e);
      return null;
    }
  }

  private static CIFSContext context() {
    CIFSContext current = context;
    if (current == null) {
      synchronized (NtlmHandshake.class) {
        if (context == null) {
          Properties properties = new Properties();
          // Level 3: send LMv2 and NTLMv2 responses only.
          properties.setProperty("jcifs.smb.lmCompatibility", "3");
          try {
            context = new BaseContext(new PropertyConfiguration(properties));
          } catch (CIFSException e) {
            throw new IllegalStateException("NTLM could not be set up", e);
          }
        }
        current = context;
      }
    }
    return current;
  }
}

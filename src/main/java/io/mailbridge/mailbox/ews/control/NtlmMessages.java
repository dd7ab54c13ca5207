package io.mailbridge.mailbox.ews.control;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The three NTLMSSP messages of an NTLMv2 sign-in to IIS ([MS-NLMP] 2.2.1 and 3.3.2): NEGOTIATE,
 * reading the server's CHALLENGE, and AUTHENTICATE with the NTLMv2 response and, when the server
 * sent a timestamp, the MIC over all three messages.
 *
 * <p>Only NTLMv2 is ever answered: no LM or NTLMv1 response, no key exchange, signing or sealing
 * (HTTP needs none of them).
 */
final class NtlmMessages {

  private static final byte[] SIGNATURE = "NTLMSSP\0".getBytes(StandardCharsets.US_ASCII);

  static final int NEGOTIATE_UNICODE = 0x00000001;
  static final int REQUEST_TARGET = 0x00000004;
  static final int NEGOTIATE_NTLM = 0x00000200;
  static final int NEGOTIATE_ALWAYS_SIGN = 0x00008000;
  static final int NEGOTIATE_EXTENDED_SESSIONSECURITY = 0x00080000;
  static final int NEGOTIATE_TARGET_INFO = 0x00800000;
  static final int NEGOTIATE_VERSION = 0x02000000;
  static final int NEGOTIATE_128 = 0x20000000;
  static final int NEGOTIATE_56 = 0x80000000;

  private static final int FLAGS =
      NEGOTIATE_UNICODE
          | REQUEST_TARGET
          | NEGOTIATE_NTLM
          | NEGOTIATE_ALWAYS_SIGN
          | NEGOTIATE_EXTENDED_SESSIONSECURITY
          | NEGOTIATE_TARGET_INFO
          | NEGOTIATE_VERSION
          | NEGOTIATE_128
          | NEGOTIATE_56;

  // Version 10.0 (build 0) and NTLMSSP_REVISION_W2K3: informative only, servers do not act on it.
  private static final byte[] VERSION = {10, 0, 0, 0, 0, 0, 0, 15};

  private static final int AV_EOL = 0;
  private static final int AV_FLAGS = 6;
  private static final int AV_TIMESTAMP = 7;
  private static final int AV_FLAG_MIC_PRESENT = 0x00000002;

  // Where the fixed part of AUTHENTICATE ends: 64 bytes of fields, the version, then the MIC.
  private static final int MIC_OFFSET = 72;
  private static final int AUTHENTICATE_PAYLOAD = 88;

  private static final SecureRandom RANDOM = new SecureRandom();

  /** What the server's CHALLENGE said: its flags, its 8-byte challenge and its target info. */
  record Challenge(int flags, byte[] serverChallenge, byte[] targetInfo) {}

  private NtlmMessages() {}

  static byte[] negotiate() {
    ByteBuffer out = le(40);
    out.put(SIGNATURE).putInt(1).putInt(FLAGS);
    // No domain or workstation: both fields empty, pointing at the end of the message.
    out.putShort((short) 0).putShort((short) 0).putInt(40);
    out.putShort((short) 0).putShort((short) 0).putInt(40);
    out.put(VERSION);
    return out.array();
  }

  /**
   * Reads a CHALLENGE_MESSAGE; {@link IllegalArgumentException} when it is not one or its fields
   * point outside it.
   */
  static Challenge challenge(byte[] message) {
    if (message.length < 32
        || !Arrays.equals(Arrays.copyOf(message, 8), SIGNATURE)
        || le(message).getInt(8) != 2) {
      throw new IllegalArgumentException("not an NTLM CHALLENGE message");
    }
    ByteBuffer in = le(message);
    int flags = in.getInt(20);
    byte[] serverChallenge = Arrays.copyOfRange(message, 24, 32);
    byte[] targetInfo = new byte[0];
    if ((flags & NEGOTIATE_TARGET_INFO) != 0 && message.length >= 48) {
      targetInfo = field(message, 40);
    }
    return new Challenge(flags, serverChallenge, targetInfo);
  }

  /**
   * The AUTHENTICATE_MESSAGE answering {@code challengeMessage}, which came in answer to {@code
   * negotiateMessage}.
   */
  static byte[] authenticate(
      byte[] negotiateMessage, byte[] challengeMessage, String domain, String user, String password)
      throws GeneralSecurityException {
    byte[] clientChallenge = new byte[8];
    RANDOM.nextBytes(clientChallenge);
    return authenticate(
        negotiateMessage,
        challengeMessage,
        domain,
        user,
        password,
        clientChallenge,
        fileTime(Instant.now()));
  }

  /** As above with the client's challenge and time given, for [MS-NLMP]'s worked examples. */
  static byte[] authenticate(
      byte[] negotiateMessage,
      byte[] challengeMessage,
      String domain,
      String user,
      String password,
      byte[] clientChallenge,
      long fileTime)
      throws GeneralSecurityException {
    Challenge challenge = challenge(challengeMessage);
    if ((challenge.flags() & NEGOTIATE_UNICODE) == 0) {
      throw new IllegalArgumentException("the server did not offer Unicode");
    }
    byte[] serverTime = avPair(challenge.targetInfo(), AV_TIMESTAMP);
    boolean mic = serverTime != null && serverTime.length == 8;
    long time = mic ? le(serverTime).getLong(0) : fileTime;

    byte[] responseKey = ntowfV2(password, user, domain);
    byte[] avPairs = mic ? withMicFlag(challenge.targetInfo()) : challenge.targetInfo();
    byte[] temp = clientBlob(clientChallenge, time, avPairs);
    byte[] proof = hmacMd5(responseKey, concat(challenge.serverChallenge(), temp));
    byte[] ntResponse = concat(proof, temp);
    // With the server's target info the LMv2 response is left out, as [MS-NLMP] 3.1.5.2.1 asks.
    byte[] lmResponse =
        challenge.targetInfo().length > 0
            ? new byte[0]
            : concat(
                hmacMd5(responseKey, concat(challenge.serverChallenge(), clientChallenge)),
                clientChallenge);

    int flags = (FLAGS & challenge.flags()) | NEGOTIATE_UNICODE | NEGOTIATE_NTLM;
    byte[] domainBytes = domain == null ? new byte[0] : utf16(domain);
    byte[] userBytes = utf16(user);
    byte[] workstation = new byte[0];
    byte[][] payload = {lmResponse, ntResponse, domainBytes, userBytes, workstation, new byte[0]};
    int size = AUTHENTICATE_PAYLOAD;
    for (byte[] part : payload) {
      size += part.length;
    }
    ByteBuffer out = le(size);
    out.put(SIGNATURE).putInt(3);
    int offset = AUTHENTICATE_PAYLOAD;
    for (byte[] part : payload) {
      out.putShort((short) part.length).putShort((short) part.length).putInt(offset);
      offset += part.length;
    }
    out.putInt(flags).put(VERSION).put(new byte[16]);
    for (byte[] part : payload) {
      out.put(part);
    }
    byte[] message = out.array();
    if (mic) {
      // No key exchange: the exported session key is NTLMv2's session base key. The MIC covers all
      // three messages, as servers check it ([MS-NLMP] 3.2.5.1.2).
      byte[] sessionKey = hmacMd5(responseKey, proof);
      byte[] code =
          hmacMd5(sessionKey, concat(concat(negotiateMessage, challengeMessage), message));
      System.arraycopy(code, 0, message, MIC_OFFSET, 16);
    }
    return message;
  }

  /** NTOWFv2: HMAC-MD5 keyed with MD4 of the password, over the upper-cased user and the domain. */
  static byte[] ntowfV2(String password, String user, String domain)
      throws GeneralSecurityException {
    byte[] ntHash = Md4.digest(utf16(password));
    String who = user.toUpperCase(Locale.ROOT) + (domain == null ? "" : domain);
    return hmacMd5(ntHash, utf16(who));
  }

  /** Windows' FILETIME: 100-nanosecond intervals since 1601-01-01 UTC. */
  static long fileTime(Instant instant) {
    long since1601 = 11_644_473_600L;
    return (instant.getEpochSecond() + since1601) * 10_000_000L + instant.getNano() / 100;
  }

  private static byte[] clientBlob(byte[] clientChallenge, long time, byte[] avPairs) {
    ByteBuffer blob = le(28 + avPairs.length + 4);
    blob.put((byte) 1).put((byte) 1).put(new byte[6]);
    blob.putLong(time).put(clientChallenge).putInt(0);
    blob.put(avPairs).putInt(0);
    return blob.array();
  }

  /** One AV_PAIR of a target info ([MS-NLMP] 2.2.2.1). */
  private record AvPair(int id, byte[] value) {}

  /** The target info's pairs up to MsvAvEOL; a pair running past the end ends the list. */
  private static List<AvPair> avPairs(byte[] targetInfo) {
    List<AvPair> pairs = new ArrayList<>();
    ByteBuffer in = le(targetInfo);
    int at = 0;
    while (at + 4 <= targetInfo.length) {
      int id = Short.toUnsignedInt(in.getShort(at));
      int length = Short.toUnsignedInt(in.getShort(at + 2));
      if (id == AV_EOL || at + 4 + length > targetInfo.length) {
        break;
      }
      pairs.add(new AvPair(id, Arrays.copyOfRange(targetInfo, at + 4, at + 4 + length)));
      at += 4 + length;
    }
    return pairs;
  }

  /**
   * The target info with MsvAvFlags saying a MIC is present (added, or or-ed into the one sent).
   */
  private static byte[] withMicFlag(byte[] targetInfo) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    boolean flagged = false;
    for (AvPair pair : avPairs(targetInfo)) {
      byte[] value = pair.value();
      if (pair.id() == AV_FLAGS && value.length == 4) {
        value = le(4).putInt(le(value).getInt(0) | AV_FLAG_MIC_PRESENT).array();
        flagged = true;
      }
      writeAvPair(out, pair.id(), value);
    }
    if (!flagged) {
      writeAvPair(out, AV_FLAGS, le(4).putInt(AV_FLAG_MIC_PRESENT).array());
    }
    writeAvPair(out, AV_EOL, new byte[0]);
    return out.toByteArray();
  }

  private static byte[] avPair(byte[] targetInfo, int wanted) {
    for (AvPair pair : avPairs(targetInfo)) {
      if (pair.id() == wanted) {
        return pair.value();
      }
    }
    return null;
  }

  private static void writeAvPair(ByteArrayOutputStream out, int id, byte[] value) {
    out.writeBytes(le(4).putShort((short) id).putShort((short) value.length).array());
    out.writeBytes(value);
  }

  private static byte[] field(byte[] message, int at) {
    ByteBuffer in = le(message);
    int length = Short.toUnsignedInt(in.getShort(at));
    int offset = in.getInt(at + 4);
    if (offset < 0 || offset > message.length - length) {
      throw new IllegalArgumentException("an NTLM field points outside its message");
    }
    return Arrays.copyOfRange(message, offset, offset + length);
  }

  private static byte[] hmacMd5(byte[] key, byte[] data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacMD5");
    mac.init(new SecretKeySpec(key, "HmacMD5"));
    return mac.doFinal(data);
  }

  private static byte[] utf16(String value) {
    return value.getBytes(StandardCharsets.UTF_16LE);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static ByteBuffer le(byte[] bytes) {
    return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }
}

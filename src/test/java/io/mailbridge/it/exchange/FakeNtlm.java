package io.mailbridge.it.exchange;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.MD4Digest;

/**
 * The server side of NTLM as IIS runs it for Exchange, for the fakes: a NEGOTIATE is answered with
 * a CHALLENGE bound to the connection it came over; the AUTHENTICATE on that same connection must
 * carry an NTLMv2 response that proves the password (MS-NLMP 3.3.2: NTOWFv2 = HMAC-MD5(MD4(password
 * in UTF-16LE), UPPER(user) + domain), NTProofStr = HMAC-MD5(NTOWFv2, server challenge + blob)).
 * NTLMv1 and LM answers are refused. Like Windows, the CHALLENGE carries a timestamp, so the answer
 * must carry a MIC (MsvAvFlags bit 0x2), which is checked over all three messages (3.2.5.1.2).
 */
public final class FakeNtlm {

  private static final byte[] SIGNATURE = "NTLMSSP\0".getBytes(StandardCharsets.US_ASCII);
  private static final int FLAGS =
      0x00000001 // NEGOTIATE_UNICODE
          | 0x00000004 // REQUEST_TARGET
          | 0x00000200 // NEGOTIATE_NTLM
          | 0x00010000 // TARGET_TYPE_DOMAIN
          | 0x00080000 // NEGOTIATE_EXTENDED_SESSIONSECURITY
          | 0x00800000 // NEGOTIATE_TARGET_INFO
          | 0x20000000; // NEGOTIATE_128

  /** What the server does with one request: let it through, or answer 401 with this challenge. */
  public record Step(boolean accepted, String challenge) {}

  private final String domain;
  private final String user;
  private final String password;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, byte[][]> challenges = new ConcurrentHashMap<>();

  public final AtomicInteger negotiations = new AtomicInteger();
  public final AtomicInteger accepted = new AtomicInteger();
  public final AtomicInteger refused = new AtomicInteger();

  FakeNtlm(String domain, String user, String password) {
    this.domain = domain;
    this.user = user;
    this.password = password;
  }

  /** One request on {@code connection} (the client's address and port) with this header. */
  Step step(String connection, String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "NTLM ", 0, 5)) {
      challenges.remove(connection);
      return new Step(false, null);
    }
    byte[] message;
    try {
      message = Base64.getDecoder().decode(authorization.substring(5).strip());
    } catch (IllegalArgumentException e) {
      return new Step(false, null);
    }
    if (message.length < 12 || !Arrays.equals(Arrays.copyOf(message, 8), SIGNATURE)) {
      return new Step(false, null);
    }
    int type = le(message).getInt(8);
    if (type == 1) {
      negotiations.incrementAndGet();
      byte[] challenge = new byte[8];
      random.nextBytes(challenge);
      byte[] challengeMessage = challengeMessage(challenge);
      challenges.put(connection, new byte[][] {message, challengeMessage, challenge});
      return new Step(false, Base64.getEncoder().encodeToString(challengeMessage));
    }
    byte[][] exchanged = challenges.remove(connection);
    if (type != 3 || exchanged == null || !verify(message, exchanged)) {
      // No challenge on this connection (the client changed connections), or a wrong answer.
      refused.incrementAndGet();
      return new Step(false, null);
    }
    accepted.incrementAndGet();
    return new Step(true, null);
  }

  private byte[] challengeMessage(byte[] challenge) {
    byte[] target = domain.getBytes(StandardCharsets.UTF_16LE);
    ByteArrayOutputStream info = new ByteArrayOutputStream();
    avPair(info, 2, domain.getBytes(StandardCharsets.UTF_16LE)); // MsvAvNbDomainName
    avPair(info, 1, "EXCH01".getBytes(StandardCharsets.UTF_16LE)); // MsvAvNbComputerName
    long fileTime = (System.currentTimeMillis() / 1000 + 11_644_473_600L) * 10_000_000L;
    avPair(info, 7, le(ByteBuffer.allocate(8)).putLong(fileTime).array()); // MsvAvTimestamp
    avPair(info, 0, new byte[0]); // MsvAvEOL
    byte[] targetInfo = info.toByteArray();
    int offset = 48;
    ByteBuffer out = le(ByteBuffer.allocate(offset + target.length + targetInfo.length));
    out.put(SIGNATURE).putInt(2);
    out.putShort((short) target.length).putShort((short) target.length).putInt(offset);
    out.putInt(FLAGS).put(challenge).putLong(0);
    out.putShort((short) targetInfo.length)
        .putShort((short) targetInfo.length)
        .putInt(offset + target.length);
    out.put(target).put(targetInfo);
    return out.array();
  }

  private boolean verify(byte[] message, byte[][] exchanged) {
    byte[] negotiate = exchanged[0];
    byte[] challengeMessage = exchanged[1];
    byte[] challenge = exchanged[2];
    try {
      ByteBuffer in = le(message);
      byte[] ntResponse = field(message, in, 20);
      String sentDomain = new String(field(message, in, 28), StandardCharsets.UTF_16LE);
      String sentUser = new String(field(message, in, 36), StandardCharsets.UTF_16LE);
      if (ntResponse.length <= 24
          || !sentUser.equalsIgnoreCase(user)
          || !sentDomain.equalsIgnoreCase(domain)) {
        // 24 bytes would be NTLMv1: never accepted.
        return false;
      }
      byte[] proof = Arrays.copyOf(ntResponse, 16);
      byte[] blob = Arrays.copyOfRange(ntResponse, 16, ntResponse.length);
      byte[] md4 = md4(password.getBytes(StandardCharsets.UTF_16LE));
      byte[] ntowfv2 =
          hmac(
              md4,
              (sentUser.toUpperCase(Locale.ROOT) + sentDomain).getBytes(StandardCharsets.UTF_16LE));
      byte[] expected = hmac(ntowfv2, concat(challenge, blob));
      if (!MessageDigest.isEqual(proof, expected) || (micFlags(blob) & 2) == 0) {
        return false;
      }
      byte[] sessionKey = hmac(ntowfv2, proof);
      byte[] zeroed = message.clone();
      Arrays.fill(zeroed, 72, 88, (byte) 0);
      byte[] mic = hmac(sessionKey, concat(concat(negotiate, challengeMessage), zeroed));
      return MessageDigest.isEqual(mic, Arrays.copyOfRange(message, 72, 88));
    } catch (RuntimeException | GeneralSecurityException e) {
      return false;
    }
  }

  /** MsvAvFlags among the AV pairs of the client's blob (after its 28 fixed bytes), 0 if none. */
  private static int micFlags(byte[] blob) {
    ByteBuffer in = le(blob);
    int at = 28;
    while (at + 4 <= blob.length) {
      int id = Short.toUnsignedInt(in.getShort(at));
      int length = Short.toUnsignedInt(in.getShort(at + 2));
      if (id == 0) {
        return 0;
      }
      if (id == 6 && length == 4) {
        return in.getInt(at + 4);
      }
      at += 4 + length;
    }
    return 0;
  }

  private static byte[] field(byte[] message, ByteBuffer in, int at) {
    int length = Short.toUnsignedInt(in.getShort(at));
    int offset = in.getInt(at + 4);
    return Arrays.copyOfRange(message, offset, offset + length);
  }

  private static void avPair(ByteArrayOutputStream out, int id, byte[] value) {
    ByteBuffer header = le(ByteBuffer.allocate(4));
    header.putShort((short) id).putShort((short) value.length);
    out.writeBytes(header.array());
    out.writeBytes(value);
  }

  private static byte[] md4(byte[] input) {
    MD4Digest digest = new MD4Digest();
    digest.update(input, 0, input.length);
    byte[] out = new byte[16];
    digest.doFinal(out, 0);
    return out;
  }

  private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacMD5");
    mac.init(new SecretKeySpec(key, "HmacMD5"));
    return mac.doFinal(data);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static ByteBuffer le(byte[] bytes) {
    return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static ByteBuffer le(ByteBuffer buffer) {
    return buffer.order(ByteOrder.LITTLE_ENDIAN);
  }
}

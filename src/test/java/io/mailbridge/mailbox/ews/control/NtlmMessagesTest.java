package io.mailbridge.mailbox.ews.control;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class NtlmMessagesTest {

  private static final HexFormat HEX = HexFormat.of();

  // [MS-NLMP] 4.2.1: the common values of the worked examples.
  private static final String USER = "User";
  private static final String DOMAIN = "Domain";
  private static final String PASSWORD = "Password";
  private static final byte[] SERVER_CHALLENGE = HEX.parseHex("0123456789abcdef");
  private static final byte[] CLIENT_CHALLENGE = HEX.parseHex("aaaaaaaaaaaaaaaa");

  @Test
  void md4MatchesRfc1320() {
    assertEquals("31d6cfe0d16ae931b73c59d7e0c089c0", hex(Md4.digest(new byte[0])));
    assertEquals("bde52cb31de33e46245e05fbdbd6fb24", hex(Md4.digest(ascii("a"))));
    assertEquals("a448017aaf21d8525fc10ae87aa6729d", hex(Md4.digest(ascii("abc"))));
    assertEquals(
        "d79e1c308aa5bbcdeea8ed63df412da9", hex(Md4.digest(ascii("abcdefghijklmnopqrstuvwxyz"))));
    assertEquals(
        "e33b4ddc9c38f2199c3e7b164fcc0536",
        hex(
            Md4.digest(
                ascii(
                    "1234567890123456789012345678901234567890"
                        + "1234567890123456789012345678901234567890"))));
  }

  @Test
  void ntHashAndNtowfV2MatchTheSpecification() throws Exception {
    // [MS-NLMP] 4.2.2.1.2 (NTOWFv1, the NT hash) and 4.2.4.1.1 (NTOWFv2).
    assertEquals(
        "a4f49c406510bdcab6824ee7c30fd852",
        hex(Md4.digest(PASSWORD.getBytes(StandardCharsets.UTF_16LE))));
    assertEquals(
        "0c868a403bfd7a93a3001ef22ef02e3f", hex(NtlmMessages.ntowfV2(PASSWORD, USER, DOMAIN)));
  }

  @Test
  void ntlmV2ResponseMatchesTheSpecificationsExample() throws Exception {
    // [MS-NLMP] 4.2.4: server target info of NetBIOS domain "Domain" and server "Server", time 0,
    // no timestamp from the server, so no MIC and the target info goes back unchanged.
    byte[] targetInfo =
        concat(
            avPair(2, "Domain".getBytes(StandardCharsets.UTF_16LE)),
            avPair(1, "Server".getBytes(StandardCharsets.UTF_16LE)),
            avPair(0, new byte[0]));
    byte[] challenge = challengeMessage(targetInfo);
    byte[] negotiate = NtlmMessages.negotiate();

    byte[] message =
        NtlmMessages.authenticate(
            negotiate, challenge, DOMAIN, USER, PASSWORD, CLIENT_CHALLENGE, 0L);

    byte[] nt = field(message, 20);
    assertEquals("68cd0ab851e51c96aabc927bebef6a1c", hex(Arrays.copyOf(nt, 16)));
    byte[] temp = Arrays.copyOfRange(nt, 16, nt.length);
    assertEquals(
        "0101000000000000" + "0000000000000000" + "aaaaaaaaaaaaaaaa" + "00000000",
        hex(temp).substring(0, 56));
    assertArrayEquals(targetInfo, Arrays.copyOfRange(temp, 28, temp.length - 4));
    assertEquals(0, field(message, 12).length, "no LMv2 response beside the server's target info");
    assertEquals(DOMAIN, new String(field(message, 28), StandardCharsets.UTF_16LE));
    assertEquals(USER, new String(field(message, 36), StandardCharsets.UTF_16LE));
    assertEquals(3, le(message).getInt(8));
    assertArrayEquals(
        new byte[16], Arrays.copyOfRange(message, 72, 88), "no MIC without a timestamp");
  }

  @Test
  void lmV2ResponseWhenTheServerSendsNoTargetInfo() throws Exception {
    // [MS-NLMP] 4.2.4.2.1: LMv2 response of the worked example.
    byte[] message =
        NtlmMessages.authenticate(
            NtlmMessages.negotiate(),
            challengeMessage(new byte[0]),
            DOMAIN,
            USER,
            PASSWORD,
            CLIENT_CHALLENGE,
            0L);

    assertEquals("86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa", hex(field(message, 12)));
  }

  @Test
  void aServerTimestampIsUsedAndTheMicCoversAllThreeMessages() throws Exception {
    long serverTime = NtlmMessages.fileTime(Instant.parse("2026-12-01T10:00:00Z"));
    byte[] targetInfo =
        concat(
            avPair(2, "CORP".getBytes(StandardCharsets.UTF_16LE)),
            avPair(7, le(new byte[8]).putLong(0, serverTime).array()),
            avPair(0, new byte[0]));
    byte[] challenge = challengeMessage(targetInfo);
    byte[] negotiate = NtlmMessages.negotiate();

    byte[] message =
        NtlmMessages.authenticate(
            negotiate, challenge, "CORP", "rep", "s3cret", CLIENT_CHALLENGE, 42L);

    byte[] nt = field(message, 20);
    byte[] temp = Arrays.copyOfRange(nt, 16, nt.length);
    assertEquals(serverTime, le(temp).getLong(8), "the server's time, not the client's");
    byte[] sentPairs = Arrays.copyOfRange(temp, 28, temp.length - 4);
    byte[] expectedPairs =
        concat(
            avPair(2, "CORP".getBytes(StandardCharsets.UTF_16LE)),
            avPair(7, le(new byte[8]).putLong(0, serverTime).array()),
            avPair(6, le(new byte[4]).putInt(0, 2).array()),
            avPair(0, new byte[0]));
    assertArrayEquals(expectedPairs, sentPairs, "MsvAvFlags says a MIC is present");

    byte[] key = NtlmMessages.ntowfV2("s3cret", "rep", "CORP");
    byte[] proof = Arrays.copyOf(nt, 16);
    assertArrayEquals(hmac(key, concat(HEX.parseHex("0123456789abcdef"), temp)), proof);
    byte[] sessionKey = hmac(key, proof);
    byte[] zeroed = message.clone();
    Arrays.fill(zeroed, 72, 88, (byte) 0);
    assertArrayEquals(
        hmac(sessionKey, concat(negotiate, challenge, zeroed)),
        Arrays.copyOfRange(message, 72, 88));
  }

  @Test
  void anExistingFlagsPairGetsTheMicBitOredIn() throws Exception {
    long serverTime = 133_000_000_000_000_000L;
    byte[] targetInfo =
        concat(
            avPair(6, le(new byte[4]).putInt(0, 1).array()),
            avPair(7, le(new byte[8]).putLong(0, serverTime).array()),
            avPair(0, new byte[0]));
    byte[] message =
        NtlmMessages.authenticate(
            NtlmMessages.negotiate(),
            challengeMessage(targetInfo),
            "CORP",
            "rep",
            "pw",
            CLIENT_CHALLENGE,
            0L);
    byte[] nt = field(message, 20);
    byte[] sentPairs = Arrays.copyOfRange(nt, 16 + 28, nt.length - 4);
    assertArrayEquals(
        concat(
            avPair(6, le(new byte[4]).putInt(0, 3).array()),
            avPair(7, le(new byte[8]).putLong(0, serverTime).array()),
            avPair(0, new byte[0])),
        sentPairs);
  }

  @Test
  void aMessageThatIsNoChallengeIsRefused() {
    byte[] negotiate = NtlmMessages.negotiate();
    assertThrows(
        IllegalArgumentException.class,
        () -> NtlmMessages.authenticate(negotiate, negotiate, "D", "u", "p"));
    assertThrows(
        IllegalArgumentException.class,
        () -> NtlmMessages.authenticate(negotiate, new byte[] {1, 2, 3}, "D", "u", "p"));
    byte[] outside = challengeMessage(new byte[8]);
    le(outside).putInt(44, 4000);
    assertThrows(
        IllegalArgumentException.class,
        () -> NtlmMessages.authenticate(negotiate, outside, "D", "u", "p"));
  }

  @Test
  void negotiateAsksForNtlmV2InUnicodeAndNothingElse() {
    byte[] negotiate = NtlmMessages.negotiate();
    assertEquals("NTLMSSP\0", new String(negotiate, 0, 8, StandardCharsets.US_ASCII));
    assertEquals(1, le(negotiate).getInt(8));
    int flags = le(negotiate).getInt(12);
    assertEquals(NtlmMessages.NEGOTIATE_UNICODE, flags & NtlmMessages.NEGOTIATE_UNICODE);
    assertEquals(
        NtlmMessages.NEGOTIATE_EXTENDED_SESSIONSECURITY,
        flags & NtlmMessages.NEGOTIATE_EXTENDED_SESSIONSECURITY);
    // No key exchange (0x40000000), sealing (0x20) or signing (0x10): HTTP needs none.
    assertEquals(0, flags & (0x40000000 | 0x20 | 0x10));
  }

  private static byte[] challengeMessage(byte[] targetInfo) {
    int flags =
        NtlmMessages.NEGOTIATE_UNICODE
            | NtlmMessages.NEGOTIATE_NTLM
            | NtlmMessages.NEGOTIATE_EXTENDED_SESSIONSECURITY
            | (targetInfo.length > 0 ? NtlmMessages.NEGOTIATE_TARGET_INFO : 0);
    ByteBuffer out = le(new byte[56 + targetInfo.length]);
    out.put("NTLMSSP\0".getBytes(StandardCharsets.US_ASCII)).putInt(2);
    out.putShort((short) 0).putShort((short) 0).putInt(56);
    out.putInt(flags).put(SERVER_CHALLENGE).putLong(0);
    out.putShort((short) targetInfo.length).putShort((short) targetInfo.length).putInt(56);
    out.putLong(0).put(targetInfo);
    return out.array();
  }

  private static byte[] avPair(int id, byte[] value) {
    ByteBuffer pair = le(new byte[4 + value.length]);
    pair.putShort((short) id).putShort((short) value.length).put(value);
    return pair.array();
  }

  private static byte[] field(byte[] message, int at) {
    ByteBuffer in = le(message);
    int length = Short.toUnsignedInt(in.getShort(at));
    int offset = in.getInt(at + 4);
    return Arrays.copyOfRange(message, offset, offset + length);
  }

  private static byte[] hmac(byte[] key, byte[] data) throws Exception {
    Mac mac = Mac.getInstance("HmacMD5");
    mac.init(new SecretKeySpec(key, "HmacMD5"));
    return mac.doFinal(data);
  }

  private static byte[] concat(byte[]... parts) {
    int size = 0;
    for (byte[] part : parts) {
      size += part.length;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    for (byte[] part : parts) {
      out.put(part);
    }
    return out.array();
  }

  private static ByteBuffer le(byte[] bytes) {
    return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static byte[] ascii(String value) {
    return value.getBytes(StandardCharsets.US_ASCII);
  }

  private static String hex(byte[] bytes) {
    return HEX.formatHex(bytes);
  }
}

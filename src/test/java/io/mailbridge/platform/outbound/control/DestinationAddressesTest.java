package io.mailbridge.platform.outbound.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mailbridge.platform.outbound.control.OutboundFailure.Reason;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which addresses outbound calls may connect to without a host's permission for private ones. */
class DestinationAddressesTest {

  private static final String PUBLIC_V4 = "93.184.215.14";

  private final DestinationAddresses noOwnAddresses =
      new DestinationAddresses(DestinationAddressesTest::unknown, Set::of);

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0.0.0.0",
        "0.1.2.3",
        "127.0.0.1",
        "127.255.255.254",
        "10.0.0.1",
        "10.255.255.255",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.0.1",
        "192.168.255.255",
        "100.64.0.1",
        "100.127.255.255",
        "169.254.169.254",
        "192.0.0.8",
        "198.18.0.1",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        "::",
        "::1",
        "fc00::1",
        "fdff:ffff::1",
        "fe80::1",
        "febf::1",
        "fec0::1",
        "ff02::1",
        "100::1",
        "2001:db8::1",
        // IPv4-compatible (deprecated) forms, which the JDK leaves as IPv6 addresses
        "::127.0.0.1",
        "::10.0.0.1",
        "::169.254.169.254",
        "::8.8.8.8",
        // NAT64 forms of private addresses
        "64:ff9b::127.0.0.1",
        "64:ff9b::10.1.2.3",
        "64:ff9b::192.168.1.1"
      })
  void specialPurposeAddressesAreNotPublic(String literal) throws Exception {
    InetAddress address = InetAddress.getByName(literal);
    assertTrue(DestinationAddresses.isSpecialPurpose(address), literal);
    assertFalse(noOwnAddresses.isPublic(address), literal);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        PUBLIC_V4,
        "8.8.8.8",
        "9.255.255.255",
        "11.0.0.1",
        "100.63.255.255",
        "100.128.0.1",
        "172.15.255.255",
        "172.32.0.1",
        "169.253.0.1",
        "192.167.255.255",
        "192.169.0.1",
        "198.17.255.255",
        "198.20.0.1",
        "223.255.255.255",
        "2606:2800:220:1::1",
        "2001:4860:4860::8888",
        "fbff::1",
        "64:ff9b::8.8.8.8"
      })
  void otherAddressesArePublic(String literal) throws Exception {
    InetAddress address = InetAddress.getByName(literal);
    assertFalse(DestinationAddresses.isSpecialPurpose(address), literal);
    assertTrue(noOwnAddresses.isPublic(address), literal);
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "10.0.0.1", "172.16.5.4", "169.254.169.254", "0.0.0.0"})
  void ipv4MappedFormsOfPrivateAddressesAreNotPublic(String ipv4) throws Exception {
    // The JDK turns a parsed ::ffff:a.b.c.d into an IPv4 address; build the IPv6 form itself.
    Inet6Address mapped = Inet6Address.getByAddress(null, mapped(ipv4), -1);
    assertEquals(16, mapped.getAddress().length);
    assertTrue(DestinationAddresses.isSpecialPurpose(mapped), "::ffff:" + ipv4);
    assertFalse(noOwnAddresses.isPublic(InetAddress.getByName("::ffff:" + ipv4)), ipv4);
  }

  @Test
  void theIpv4MappedFormOfAPublicAddressIsPublic() throws Exception {
    assertTrue(noOwnAddresses.isPublic(Inet6Address.getByAddress(null, mapped(PUBLIC_V4), -1)));
  }

  @Test
  void anOwnAddressIsNotPublicEvenInAPublicRange() throws Exception {
    InetAddress own = InetAddress.getByName(PUBLIC_V4);
    InetAddress ownV6 = InetAddress.getByName("2606:2800:220:1::248");
    DestinationAddresses addresses =
        new DestinationAddresses(DestinationAddressesTest::unknown, () -> Set.of(own, ownV6));
    assertFalse(addresses.isPublic(own));
    assertFalse(addresses.isPublic(ownV6));
    assertFalse(addresses.isPublic(Inet6Address.getByAddress(null, mapped(PUBLIC_V4), -1)));
    assertFalse(addresses.isPublic(InetAddress.getByName("64:ff9b::" + PUBLIC_V4)));
    assertTrue(addresses.isPublic(InetAddress.getByName("93.184.215.15")), "a neighbour is not");
  }

  @Test
  void everyAddressOfThisMachinesInterfacesIsRefused() throws Exception {
    DestinationAddresses addresses = new DestinationAddresses();
    Set<InetAddress> mine = DestinationAddresses.interfaceAddresses();
    assertFalse(mine.isEmpty(), "at least loopback");
    for (InetAddress address : mine) {
      assertFalse(addresses.isPublic(address), address.toString());
    }
  }

  @Test
  void theInterfacesAreListedOnceForManyChecks() throws Exception {
    AtomicInteger listings = new AtomicInteger();
    DestinationAddresses addresses =
        new DestinationAddresses(
            DestinationAddressesTest::unknown,
            () -> {
              listings.incrementAndGet();
              return Set.of();
            });
    for (int i = 0; i < 50; i++) {
      addresses.isPublic(InetAddress.getByName(PUBLIC_V4));
    }
    assertEquals(1, listings.get());
  }

  @Test
  void aNameIsRefusedWhenAnyOfItsAddressesIsPrivate() throws Exception {
    DestinationAddresses addresses =
        new DestinationAddresses(
            host ->
                new InetAddress[] {
                  InetAddress.getByName(PUBLIC_V4), InetAddress.getByName("::127.0.0.1")
                },
            Set::of);
    OutboundFailure refused =
        assertThrows(OutboundFailure.class, () -> addresses.resolve("mail.example.com", false));
    assertEquals(Reason.REFUSED, refused.reason());
    assertTrue(refused.getMessage().startsWith("mail.example.com resolves to a private"));
    assertEquals(2, addresses.resolve("mail.example.com", true).size(), "allowed by the rule");
  }

  @Test
  void aNameIsResolvedOnceAndItsAddressesAreReturned() throws Exception {
    AtomicInteger lookups = new AtomicInteger();
    InetAddress address = InetAddress.getByName(PUBLIC_V4);
    DestinationAddresses addresses =
        new DestinationAddresses(
            host -> {
              lookups.incrementAndGet();
              return new InetAddress[] {address};
            },
            Set::of);
    assertEquals(List.of(address), addresses.resolve("mail.example.com", false));
    assertEquals(1, lookups.get());
  }

  @Test
  void addressLiteralsAreCheckedWithoutTheResolver() throws Exception {
    OutboundFailure refused =
        assertThrows(OutboundFailure.class, () -> noOwnAddresses.resolve("::127.0.0.1", false));
    assertEquals(Reason.REFUSED, refused.reason());
    assertEquals(
        Reason.REFUSED,
        assertThrows(OutboundFailure.class, () -> noOwnAddresses.resolve("::ffff:7f00:1", false))
            .reason());
    assertEquals(
        List.of(InetAddress.getByName(PUBLIC_V4)), noOwnAddresses.resolve(PUBLIC_V4, false));
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.1", "2130706433", "1.2.3", "999.0.0.1", "0177.0.0.1", "1::2::3"})
  void oddNumericHostsAreRefused(String host) {
    assertTrue(DestinationAddresses.isLiteral(host), host);
    OutboundFailure refused =
        assertThrows(OutboundFailure.class, () -> noOwnAddresses.resolve(host, true));
    assertEquals(Reason.REFUSED, refused.reason(), host);
  }

  private static byte[] mapped(String ipv4) throws UnknownHostException {
    byte[] v4 = InetAddress.getByName(ipv4).getAddress();
    byte[] v6 = new byte[16];
    v6[10] = (byte) 0xff;
    v6[11] = (byte) 0xff;
    System.arraycopy(v4, 0, v6, 12, 4);
    return v6;
  }

  private static InetAddress[] unknown(String host) throws UnknownHostException {
    throw new UnknownHostException(host);
  }
}

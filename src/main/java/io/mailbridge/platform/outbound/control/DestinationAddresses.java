package io.mailbridge.platform.outbound.control;

import io.mailbridge.platform.outbound.control.OutboundFailure.Reason;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Which addresses an outbound call may connect to: public ones only, unless the host's rule allows
 * private ones. Not public are the special-purpose ranges (loopback, private, carrier-grade NAT,
 * link-local, multicast, reserved), the IPv6 forms that embed such an IPv4 address, and every
 * address of the server's own network interfaces, whatever its range.
 */
final class DestinationAddresses {

  private static final Logger LOG = Logger.getLogger(DestinationAddresses.class.getName());

  // Interfaces change rarely (DHCP, containers); enumerating them on every call would be wasteful.
  static final Duration OWN_ADDRESSES_FOR = Duration.ofSeconds(30);

  // What OkHttp takes for an address literal and connects to without asking the resolver.
  private static final Pattern LITERAL_LIKE =
      Pattern.compile("[0-9a-f]*:[0-9a-f:.]*|[0-9.]+", Pattern.CASE_INSENSITIVE);
  private static final Pattern DOTTED_QUAD = Pattern.compile("(\\d{1,3}\\.){3}\\d{1,3}");

  /** Resolves a host name to all its addresses (the JDK's resolver outside tests). */
  @FunctionalInterface
  interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  private record OwnAddresses(Set<InetAddress> addresses, long until) {}

  private final Resolver resolver;
  private final Supplier<Set<InetAddress>> interfaces;
  private volatile OwnAddresses own;

  DestinationAddresses() {
    this(InetAddress::getAllByName, DestinationAddresses::interfaceAddresses);
  }

  DestinationAddresses(Resolver resolver, Supplier<Set<InetAddress>> interfaces) {
    this.resolver = resolver;
    this.interfaces = interfaces;
  }

  /**
   * Resolves the host once and returns all its addresses, or refuses it when one of them may not be
   * reached: the caller connects to exactly these addresses, so an answer that changes between this
   * check and the connection (DNS rebinding) cannot lead elsewhere.
   */
  List<InetAddress> resolve(String host, boolean privateAllowed) throws OutboundFailure {
    InetAddress[] addresses;
    if (isLiteral(host)) {
      addresses = new InetAddress[] {literal(host)};
    } else {
      try {
        addresses = resolver.resolve(host);
      } catch (UnknownHostException e) {
        throw new OutboundFailure(Reason.FAILED, host + " cannot be resolved");
      }
    }
    if (addresses == null || addresses.length == 0) {
      throw new OutboundFailure(Reason.FAILED, host + " cannot be resolved");
    }
    if (!privateAllowed) {
      for (InetAddress address : addresses) {
        if (!isPublic(address)) {
          throw new OutboundFailure(
              Reason.REFUSED,
              host
                  + " resolves to a private, loopback, link-local or own address of this server,"
                  + " which is not allowed for it");
        }
      }
    }
    return List.of(addresses);
  }

  /** Whether the HTTP client takes this host for an address and connects without resolving it. */
  static boolean isLiteral(String host) {
    return LITERAL_LIKE.matcher(host).matches();
  }

  /** The address an address literal names; never a DNS lookup. */
  static InetAddress literal(String host) throws OutboundFailure {
    try {
      if (host.contains(":")) {
        return InetAddress.getByName(host); // an IPv6 literal: parsed, or refused as invalid
      }
      // Java would send an odd numeric form (127.1, 1.2.3, 999.0.0.1) to DNS, and reads some
      // with leading zeros differently from other software: only a plain dotted quad is taken.
      if (DOTTED_QUAD.matcher(host).matches()) {
        String[] parts = host.split("\\.");
        byte[] address = new byte[4];
        for (int i = 0; i < 4; i++) {
          int value = Integer.parseInt(parts[i]);
          if (value > 255 || (parts[i].length() > 1 && parts[i].startsWith("0"))) {
            throw new UnknownHostException(host);
          }
          address[i] = (byte) value;
        }
        return InetAddress.getByAddress(address);
      }
    } catch (UnknownHostException e) {
      // refused below
    }
    throw new OutboundFailure(Reason.REFUSED, host + " is not a usable address");
  }

  /** Neither special-purpose nor one of the server's own addresses. */
  boolean isPublic(InetAddress address) {
    if (isSpecialPurpose(address)) {
      return false;
    }
    Set<InetAddress> mine = ownAddresses();
    if (mine.contains(address)) {
      return false;
    }
    byte[] embedded = embeddedIpv4(address.getAddress());
    return embedded == null || !mine.contains(ipv4(embedded));
  }

  /** Loopback, private, shared, link-local, multicast, reserved, or an IPv6 form of one. */
  static boolean isSpecialPurpose(InetAddress address) {
    byte[] b = address.getAddress();
    if (b.length == 4) {
      return isSpecialIpv4(b);
    }
    if (isZero(b, 0, 12)) {
      return true; // ::/96: unspecified, ::1 and the deprecated IPv4-compatible ::a.b.c.d
    }
    byte[] embedded = embeddedIpv4(b);
    if (embedded != null) {
      return isSpecialIpv4(embedded);
    }
    int first = b[0] & 0xff;
    int second = b[1] & 0xff;
    return (first & 0xfe) == 0xfc // unique local fc00::/7
        || (first == 0xfe && (second & 0xc0) == 0x80) // link-local fe80::/10
        || (first == 0xfe && (second & 0xc0) == 0xc0) // site-local fec0::/10 (deprecated)
        || first == 0xff // multicast
        || (first == 0x01 && isZero(b, 1, 8)) // discard-only 100::/64
        || (first == 0x20
            && second == 0x01
            && b[2] == 0x0d
            && (b[3] & 0xff) == 0xb8); // 2001:db8::/32
  }

  private static boolean isSpecialIpv4(byte[] b) {
    int first = b[0] & 0xff;
    int second = b[1] & 0xff;
    int third = b[2] & 0xff;
    return first == 0 // "this network"
        || first == 10
        || first == 127
        || (first == 100 && second >= 64 && second <= 127) // carrier-grade NAT 100.64/10
        || (first == 169 && second == 254) // link-local, cloud metadata services
        || (first == 172 && second >= 16 && second <= 31)
        || (first == 192 && second == 168)
        || (first == 192 && second == 0 && third == 0) // IETF protocol assignments
        || (first == 198 && (second == 18 || second == 19)) // benchmarking
        || first >= 224; // multicast, reserved and broadcast
  }

  /**
   * The IPv4 address inside an IPv4-mapped ({@code ::ffff:a.b.c.d}) or NAT64 ({@code
   * 64:ff9b::a.b.c.d}) IPv6 address; null for any other address.
   */
  private static byte[] embeddedIpv4(byte[] b) {
    if (b.length != 16) {
      return null;
    }
    boolean mapped = isZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    boolean nat64 =
        (b[0] & 0xff) == 0x00
            && (b[1] & 0xff) == 0x64
            && (b[2] & 0xff) == 0xff
            && (b[3] & 0xff) == 0x9b
            && isZero(b, 4, 12);
    return mapped || nat64 ? Arrays.copyOfRange(b, 12, 16) : null;
  }

  private static boolean isZero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  private static InetAddress ipv4(byte[] b) {
    try {
      return Inet4Address.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // four bytes are always an address
    }
  }

  private Set<InetAddress> ownAddresses() {
    OwnAddresses current = own;
    long now = System.nanoTime();
    if (current == null || now - current.until() > 0) {
      current = new OwnAddresses(interfaces.get(), now + OWN_ADDRESSES_FOR.toNanos());
      own = current;
    }
    return current.addresses();
  }

  static Set<InetAddress> interfaceAddresses() {
    Set<InetAddress> addresses = new HashSet<>();
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        addresses.addAll(Collections.list(nic.getInetAddresses()));
      }
    } catch (SocketException e) {
      // The special-purpose ranges are still refused; only a public own address could slip.
      LOG.log(Level.WARNING, "The server's network interfaces cannot be listed", e);
    }
    return Set.copyOf(addresses);
  }
}

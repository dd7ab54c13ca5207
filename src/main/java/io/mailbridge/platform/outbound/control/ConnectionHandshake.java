package io.mailbridge.platform.outbound.control;

import java.util.List;

/**
 * An authentication that is bound to one connection (NTLM): the first request carries {@link
 * #opening()}, each 401 on the same connection is answered by {@link #answer}, until the server
 * accepts or the scheme gives up. Stateful: one instance per request.
 */
public interface ConnectionHandshake {

  /** The {@code Authorization} header of the first request. */
  String opening();

  /**
   * The {@code Authorization} header that answers the server's challenges ({@code WWW-Authenticate}
   * values), or null to give up and hand the 401 to the caller.
   */
  String answer(List<String> challenges);
}

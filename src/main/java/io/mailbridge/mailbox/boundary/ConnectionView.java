package io.mailbridge.mailbox.boundary;

import io.mailbridge.mailbox.control.MailboxConnections;
import io.mailbridge.mailbox.entity.ConnectionState;
import io.mailbridge.mailbox.entity.MailboxConnection;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A connected mailbox as its user or an admin sees it; never a token. {@code reconnect} is the
 * start path when the connection needs its user to consent again, or when reconnecting would let
 * Mailbridge send from it ({@code canSend} false: connected before sending was asked for) or use
 * its calendar ({@code canUseCalendar} false: connected before calendar access was asked for, or
 * consented without it).
 */
public record ConnectionView(
    String id,
    String userId,
    String provider,
    String address,
    List<String> scopes,
    String state,
    Instant createdAt,
    Instant lastUsedAt,
    boolean canSend,
    boolean canUseCalendar,
    String reconnect) {

  static ConnectionView of(MailboxConnection c, MailboxConnections connections) {
    boolean canSend = connections.canSend(c);
    boolean canUseCalendar = connections.canUseCalendar(c);
    return new ConnectionView(
        c.id(),
        c.userId(),
        c.provider().pathName(),
        c.address(),
        c.scopes(),
        c.state().name().toLowerCase(Locale.ROOT),
        c.createdAt(),
        c.lastUsedAt(),
        canSend,
        canUseCalendar,
        c.state() == ConnectionState.REAUTH_REQUIRED || !canSend || !canUseCalendar
            ? "/api/oauth/" + c.provider().pathName() + "/start"
            : null);
  }
}

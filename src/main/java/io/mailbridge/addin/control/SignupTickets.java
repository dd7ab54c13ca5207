package io.mailbridge.addin.control;

import io.mailbridge.addin.entity.SignupTicket;
import io.mailbridge.platform.crypto.control.ServerKeys;
import io.mailbridge.platform.security.control.OpaqueTokens;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Single-use sign-up tickets that carry a verified Exchange identity to the sign-up page. */
@ApplicationScoped
public class SignupTickets {

  static final String SERVER_KEY = "signup-ticket";
  static final String FORM_KEY = "signup-form";
  private static final int MAX_TICKET_LENGTH = 100;

  @PersistenceContext EntityManager em;
  @Inject ServerKeys serverKeys;

  @Inject
  @ConfigProperty(name = "mailbridge.addin.signup-ticket-ttl", defaultValue = "PT10M")
  Duration lifetime;

  Clock clock = Clock.systemUTC();

  /** Stores a new ticket for this identity and returns it; runs in the caller's transaction. */
  public String create(VerifiedIdentityToken token, String mailbox) {
    String ticket = OpaqueTokens.next();
    String hash = hash(ticket);
    Instant now = clock.instant();
    // Tickets nobody used are useless a day later; clearing them here needs no job.
    em.createQuery("DELETE FROM SignupTicket t WHERE t.expiresAt < :before")
        .setParameter("before", now.minus(Duration.ofDays(1)))
        .executeUpdate();
    byte[] sealed = seal(token.identity(), mailbox, hash);
    em.persist(new SignupTicket(hash, sealed, token.candidateOrgs(), now, now.plus(lifetime)));
    return ticket;
  }

  /** The open ticket's sign-up, without using it up. */
  public Optional<PendingSignup> find(String ticket) {
    return open(ticket).map(this::pendingOf);
  }

  /**
   * Uses the ticket up and returns its sign-up; empty if it was used, expired or never existed.
   * Runs in the caller's transaction, so a failed link leaves the ticket unused.
   */
  public Optional<PendingSignup> consume(String ticket) {
    Optional<SignupTicket> found = open(ticket);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    int used =
        em.createQuery(
                "UPDATE SignupTicket t SET t.usedAt = :now WHERE t.id = :id"
                    + " AND t.usedAt IS NULL AND t.expiresAt > :now")
            .setParameter("now", now)
            .setParameter("id", found.get().id())
            .executeUpdate();
    return used == 1 ? Optional.of(pendingOf(found.get())) : Optional.empty();
  }

  private Optional<SignupTicket> open(String ticket) {
    if (ticket == null || ticket.isBlank() || ticket.length() > MAX_TICKET_LENGTH) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    return em.createQuery(
            "SELECT t FROM SignupTicket t WHERE t.ticketHash = :hash", SignupTicket.class)
        .setParameter("hash", hash(ticket.strip()))
        .getResultStream()
        .findFirst()
        .filter(t -> t.isOpenAt(now));
  }

  /**
   * Whether the sign-up form sent back the token this server issued for this ticket. Only the
   * holder of the server key can make one, so a token chosen by someone else is refused.
   */
  public boolean formTokenMatches(String ticket, String sent) {
    if (ticket == null || sent == null || ticket.length() > MAX_TICKET_LENGTH) {
      return false;
    }
    return MessageDigest.isEqual(
        formToken(hash(ticket.strip())).getBytes(StandardCharsets.US_ASCII),
        sent.getBytes(StandardCharsets.UTF_8));
  }

  private PendingSignup pendingOf(SignupTicket ticket) {
    JsonObject json = unseal(ticket.sealedIdentity(), ticket.ticketHash());
    return new PendingSignup(
        new ExchangeIdentity(json.getString("metadataUrl"), json.getString("exchangeUserId")),
        json.getString("mailbox", ""),
        ticket.candidateOrgs(),
        formToken(ticket.ticketHash()));
  }

  /** A MAC of the ticket: the form's CSRF token is bound to its ticket and needs no storage. */
  private String formToken(String ticketHash) {
    try {
      byte[] mac =
          serverKeys
              .prf(FORM_KEY)
              .computePrimary(
                  ("signup_form\u0000" + ticketHash).getBytes(StandardCharsets.UTF_8), 32);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot make a sign-up form token", e);
    }
  }

  private byte[] seal(ExchangeIdentity identity, String mailbox, String hash) {
    String json =
        Json.createObjectBuilder()
            .add("metadataUrl", identity.metadataUrl())
            .add("exchangeUserId", identity.exchangeUserId())
            .add("mailbox", mailbox == null ? "" : mailbox)
            .build()
            .toString();
    try {
      return serverKeys
          .aead(SERVER_KEY)
          .encrypt(json.getBytes(StandardCharsets.UTF_8), associatedData(hash));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot seal a sign-up ticket", e);
    }
  }

  private JsonObject unseal(byte[] sealed, String hash) {
    try (JsonReader reader =
        Json.createReader(
            new ByteArrayInputStream(
                serverKeys.aead(SERVER_KEY).decrypt(sealed, associatedData(hash))))) {
      return reader.readObject();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("A sign-up ticket cannot be opened", e);
    }
  }

  private static byte[] associatedData(String hash) {
    return ("signup_ticket\u0000" + hash).getBytes(StandardCharsets.UTF_8);
  }

  static String hash(String ticket) {
    return OpaqueTokens.hash(ticket);
  }
}

package io.mailbridge.productivity.control;

import io.mailbridge.productivity.entity.AvailabilityBooking;
import io.mailbridge.productivity.entity.AvailabilityOffer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The database steps of an offer and its booking, each in its own transaction so that the provider
 * is called between them with nothing locked: claim the offer (the unique booking row), give the
 * claim back when the slot turned out busy or the meeting could not be made, confirm it once the
 * meeting exists.
 */
@ApplicationScoped
public class BookingClaims {

  @PersistenceContext EntityManager em;

  /** Stores a new offer. */
  @Transactional
  public void open(AvailabilityOffer offer) {
    em.persist(offer);
  }

  /**
   * The booking row for this offer; the database refuses it (a unique violation, see {@link
   * #isUniqueViolation}) when another recipient's row was there first.
   */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public String claim(
      String orgId,
      String offerId,
      Instant start,
      Instant end,
      String name,
      String email,
      Instant now) {
    AvailabilityBooking booking =
        new AvailabilityBooking(orgId, offerId, start, end, name, email, now);
    em.persist(booking);
    em.flush();
    return booking.id();
  }

  /** Gives a claim back; {@code goneSlot} (if not null) is no longer offered. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public void release(String offerId, String bookingId, Instant goneSlot) {
    AvailabilityBooking booking = em.find(AvailabilityBooking.class, bookingId);
    if (booking != null) {
      em.remove(booking);
    }
    if (goneSlot != null) {
      AvailabilityOffer offer = em.find(AvailabilityOffer.class, offerId);
      if (offer != null) {
        offer.slotGone(goneSlot);
      }
    }
  }

  /** The meeting exists: the offer is booked (its other slots close) and the booking says so. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public void confirm(String offerId, String bookingId, Instant start, String eventId) {
    AvailabilityOffer offer = em.find(AvailabilityOffer.class, offerId);
    offer.booked(start);
    em.find(AvailabilityBooking.class, bookingId).confirmed(eventId, null);
  }

  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public void logged(String bookingId, String eventId, String activityId) {
    em.find(AvailabilityBooking.class, bookingId).confirmed(eventId, activityId);
  }

  /** Whether this failure is the database refusing a second row for the same key. */
  static boolean isUniqueViolation(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql
          && sql.getSQLState() != null
          && sql.getSQLState().startsWith("23")) {
        return true;
      }
    }
    return false;
  }
}

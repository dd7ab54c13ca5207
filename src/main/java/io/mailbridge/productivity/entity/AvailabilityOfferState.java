package io.mailbridge.productivity.entity;

/** Where an availability offer stands. */
public enum AvailabilityOfferState {
  /** Its slots can be booked. */
  OPEN,
  /** A recipient booked one slot; the others are closed. */
  BOOKED
}

package io.mailbridge.platform.startup.control;

/**
 * Fired once at deployment, after the schema is migrated and before the server is declared ready:
 * each room that has start-up work (load keys, create the first admin) observes it, ordered by
 * {@code @Priority} where one needs another's work (the keys before the first admin's rows).
 */
public record PlatformStarted() {

  /** Observers that load keys others need. */
  public static final int KEYS = 100;

  /** Observers that write the first rows, which need the keys. */
  public static final int FIRST_ROWS = 200;
}

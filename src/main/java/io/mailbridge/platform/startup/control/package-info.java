/**
 * Start-up after migration: the {@link io.mailbridge.platform.startup.control.PlatformStarted}
 * event the rooms with start-up work observe, and the state readiness and the job pump wait for.
 */
package io.mailbridge.platform.startup.control;

/**
 * Server-wide settings whose defaults depend on other settings (data directory, database URL,
 * public URL), resolved in one place.
 */
package io.mailbridge.platform.config.control;

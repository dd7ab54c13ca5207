/** Activity capture: capture settings and policy, per-mailbox cursors, backfill and live sync. */
package io.mailbridge.capture;

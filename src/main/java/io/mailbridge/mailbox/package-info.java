/** Mailboxes and the one normalized message model every provider maps into. */
package io.mailbridge.mailbox;

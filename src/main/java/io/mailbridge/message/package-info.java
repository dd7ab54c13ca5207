/**
 * The one normalized message model every provider maps into and the CRM stores: messages, their
 * participants and attachments, calendar events, and MIME parsing. Depends on nothing but the
 * platform and the JDK/Jakarta Mail.
 */
package io.mailbridge.message;

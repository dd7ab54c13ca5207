/**
 * Connected mailboxes: their connections and credentials, the ports every provider implements
 * (mailbox/control) and one sub-package per provider (ews, graph, gmail). Messages come out in the
 * normalized model of {@code io.mailbridge.message}.
 */
package io.mailbridge.mailbox;

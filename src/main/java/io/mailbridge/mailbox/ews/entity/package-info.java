/** Stored Exchange settings of an org. */
package io.mailbridge.mailbox.ews.entity;

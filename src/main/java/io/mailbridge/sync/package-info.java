/** Two-way sync of contacts (and later events) between the CRM and users' mailboxes. */
package io.mailbridge.sync;

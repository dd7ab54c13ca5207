/**
 * The add-in's and the Gmail extension's use cases: verifying foreign identity tokens, linking
 * identities to CRM users, and {@link io.mailbridge.addin.control.LogEmail}, the one flow that logs
 * an email from any mailbox. Mailboxes are reached only through the ports of {@code
 * mailbox.control}; records only through {@code crm.control}.
 */
package io.mailbridge.addin.control;

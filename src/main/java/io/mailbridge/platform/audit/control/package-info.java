/** Writing and reading the audit trail of connections, revocations and settings changes. */
package io.mailbridge.platform.audit.control;

/** The audit trail as admins read it: {@code GET /api/admin/audit}. */
package io.mailbridge.platform.audit.boundary;

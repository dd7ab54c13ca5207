/** The stored audit trail. */
package io.mailbridge.platform.audit.entity;

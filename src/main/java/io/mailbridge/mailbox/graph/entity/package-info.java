/** Microsoft 365 tenants whose admins consented to an org's app. */
package io.mailbridge.mailbox.graph.entity;

/** What sync stores: the org's settings, each user's sync state, and the CRM-to-contact links. */
package io.mailbridge.sync.entity;

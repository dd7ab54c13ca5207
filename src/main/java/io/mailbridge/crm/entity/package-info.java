/** CRM records and activities as stored, with their sealed payloads. */
package io.mailbridge.crm.entity;

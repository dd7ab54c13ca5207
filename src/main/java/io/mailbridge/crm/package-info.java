/** The CRM side: records, activities with attachments, participant matching and timelines. */
package io.mailbridge.crm;

/** Record and activity services, the one storage path for emails, and participant matching. */
package io.mailbridge.crm.control;

/** Admin endpoints for the org's Exchange servers. */
package io.mailbridge.mailbox.ews.boundary;

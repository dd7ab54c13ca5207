/**
 * Admin endpoints for the org's Exchange servers, and the endpoint Exchange posts push
 * notifications to.
 */
package io.mailbridge.mailbox.ews.boundary;

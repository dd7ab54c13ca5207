/**
 * Helpers the integration tests share: raw database access beneath the server, the sign-up page's
 * browser, test messages, job handlers for the queue's tests, and rotation helpers.
 */
package io.mailbridge.it.support;

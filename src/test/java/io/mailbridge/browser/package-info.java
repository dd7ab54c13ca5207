/** Drives Mailbridge's pages in headless Chromium; runs in the test JVM, never in the server. */
package io.mailbridge.browser;

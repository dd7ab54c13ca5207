/** Passwords, Mailbridge's own access and refresh tokens, orgs and users. */
package io.mailbridge.platform.security.control;

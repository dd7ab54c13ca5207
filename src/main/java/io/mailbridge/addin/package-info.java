/** The Outlook add-in and Gmail extension: identity tokens, sign-up, sessions, logging, pages. */
package io.mailbridge.addin;

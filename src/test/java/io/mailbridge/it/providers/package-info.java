/** A fake Google (OAuth, JWKS, Gmail API) and a fake Microsoft identity platform, on loopback. */
package io.mailbridge.it.providers;

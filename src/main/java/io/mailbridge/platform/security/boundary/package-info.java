/** Login, token refresh and logout, user administration, and the check every API call passes. */
package io.mailbridge.platform.security.boundary;

/** Add-in endpoints and pages: session, sign-up, manifest, logging, identity administration. */
package io.mailbridge.addin.boundary;

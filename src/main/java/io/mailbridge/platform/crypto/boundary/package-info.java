/** Admin HTTP entry points for key management. */
package io.mailbridge.platform.crypto.boundary;

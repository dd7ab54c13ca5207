/** Cross-cutting platform services every domain builds on: config, crypto, security and jobs. */
package io.mailbridge.platform;

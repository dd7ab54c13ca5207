/** Settings, the data source and schema migration that everything else starts from. */
package io.mailbridge.platform.config.control;

/**
 * The database: the one data source (URL and credentials from MicroProfile Config, embedded H2 by
 * default with owner-only files) and the Liquibase migration that runs before anything else.
 */
package io.mailbridge.platform.database.control;

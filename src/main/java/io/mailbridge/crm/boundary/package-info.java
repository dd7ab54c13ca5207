/** HTTP entry points for records, activities, timelines and participant context. */
package io.mailbridge.crm.boundary;

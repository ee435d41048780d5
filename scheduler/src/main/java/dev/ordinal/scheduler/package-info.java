/** The scheduler: binds pending pods to nodes through the API. */
package dev.ordinal.scheduler;

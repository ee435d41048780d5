/**
 * The cluster DNS: names of Services and of StatefulSet pods answered from watches, so a pod's
 * name resolves the moment its IP is in the API; other names forwarded to the host's resolvers.
 */
package dev.ordinal.dns;

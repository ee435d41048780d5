/** The node agent: registers a Node, keeps its Lease, and runs the pods bound to it. */
package dev.ordinal.node;

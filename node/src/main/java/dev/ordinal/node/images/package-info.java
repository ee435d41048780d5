/**
 * The local image store: images imported from a {@code docker save} tarball or an OCI image layout,
 * their layers unpacked as overlay lower directories, looked up by reference before host images.
 */
package dev.ordinal.node.images;

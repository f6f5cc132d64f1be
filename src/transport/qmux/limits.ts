/**
 * The largest WebSocket message either role accepts. QMux records (qmux-01/02) and frames
 * (qmux-00) are at most ~16 KiB unless a peer advertises more, and @moq/qmux advertises the
 * default; capping well above that stops a hostile peer from making `ws` buffer its default
 * 100 MiB for one message.
 */
export const MAX_MESSAGE_BYTES = 256 * 1024;

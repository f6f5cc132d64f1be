/**
 * How much audio one Opus packet holds, from its TOC byte (RFC 6716 §3.1): the configuration
 * gives the frame size, the code the number of frames. An MP4 sample's duration needs it, and
 * hang's legacy container carries only the start time.
 */

/** Frame sizes in 48 kHz ticks for configurations 0–31 (RFC 6716 Table 2). */
function frameTicks(config: number): number {
  if (config < 12) return [480, 960, 1920, 2880][config % 4] as number; // SILK 10/20/40/60 ms
  if (config < 16) return [480, 960][config % 2] as number; // Hybrid 10/20 ms
  return [120, 240, 480, 960][config % 4] as number; // CELT 2.5/5/10/20 ms
}

/** The packet's duration in 48 kHz ticks; undefined when it is empty or malformed. */
export function opusPacketTicks(packet: Uint8Array): number | undefined {
  const toc = packet[0];
  if (toc === undefined) return undefined;
  const code = toc & 0x03;
  let frames = code === 0 ? 1 : 2;
  if (code === 3) {
    const count = packet[1];
    if (count === undefined) return undefined;
    frames = count & 0x3f;
  }
  const ticks = frames * frameTicks(toc >> 3);
  // No packet holds more than 120 ms (RFC 6716 §3.2.5).
  return ticks > 0 && ticks <= 5760 ? ticks : undefined;
}

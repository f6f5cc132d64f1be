/**
 * H.264 in Annex-B form (start codes before each NAL unit, ITU-T H.264 Annex B), as hang's
 * legacy container carries it when the catalog gives no `description`: what MP4 needs instead is
 * length-prefixed NAL units and an AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.3.3.1).
 */

const NAL_SPS = 7;
const NAL_PPS = 8;
const NAL_AUD = 9;

/** The NAL units of an Annex-B access unit, start codes removed. */
export function splitAnnexB(data: Uint8Array): Uint8Array[] {
  const starts: Array<{ at: number; size: number }> = [];
  for (let i = 0; i + 2 < data.length; i++) {
    if (data[i] !== 0 || data[i + 1] !== 0) continue;
    if (data[i + 2] === 1) starts.push({ at: i, size: 3 });
    else if (data[i + 2] === 0 && data[i + 3] === 1) starts.push({ at: i, size: 4 });
    else continue;
    i += 2;
  }
  return starts.map((s, k) => data.subarray(s.at + s.size, starts[k + 1]?.at ?? data.length));
}

export function nalType(nal: Uint8Array): number {
  return (nal[0] ?? 0) & 0x1f;
}

/** An avcC record from the access unit's SPS and PPS; undefined when it carries none. */
export function avcConfigFrom(nals: readonly Uint8Array[]): Uint8Array | undefined {
  const sps = nals.filter((n) => nalType(n) === NAL_SPS);
  const pps = nals.filter((n) => nalType(n) === NAL_PPS);
  const first = sps[0];
  if (!first || first.length < 4 || pps.length === 0) return undefined;
  const parts: number[] = [1, first[1] ?? 0, first[2] ?? 0, first[3] ?? 0, 0xff, 0xe0 | sps.length];
  for (const unit of sps) parts.push(unit.length >> 8, unit.length & 0xff, ...unit);
  parts.push(pps.length);
  for (const unit of pps) parts.push(unit.length >> 8, unit.length & 0xff, ...unit);
  return new Uint8Array(parts);
}

/** The sample for MP4: each NAL unit behind a 4-byte length; parameter sets and AUDs left out. */
export function lengthPrefixed(nals: readonly Uint8Array[]): Uint8Array {
  const kept = nals.filter((n) => ![NAL_SPS, NAL_PPS, NAL_AUD].includes(nalType(n)));
  const out = new Uint8Array(kept.reduce((sum, n) => sum + 4 + n.length, 0));
  const view = new DataView(out.buffer);
  let at = 0;
  for (const nal of kept) {
    view.setUint32(at, nal.length);
    out.set(nal, at + 4);
    at += 4 + nal.length;
  }
  return out;
}

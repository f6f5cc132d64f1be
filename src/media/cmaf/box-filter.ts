import { childBoxes, concatBytes } from './box-reader.js';

/**
 * The top-level boxes of `bytes` without those of `type` (e.g. `prft` before MSE, whose parsers
 * do not all accept it). Bytes that are not a box stream, or hold no such box, come back as
 * they are.
 */
export function withoutTopLevelBoxes(bytes: Uint8Array, type: string): Uint8Array {
  let boxes;
  try {
    boxes = childBoxes(bytes, 0, bytes.byteLength);
  } catch {
    return bytes;
  }
  if (!boxes.some((box) => box.type === type)) return bytes;
  return concatBytes(
    boxes.filter((box) => box.type !== type).map((box) => bytes.subarray(box.start, box.end)),
  );
}

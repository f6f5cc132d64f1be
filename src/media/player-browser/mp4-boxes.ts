import { withoutTopLevelBoxes } from '../cmaf/index.js';

/**
 * Drops `prft` boxes from a CMAF chunk before it goes to MSE: the producer time is read by the
 * player, and not every MSE parser accepts a top-level `prft`.
 */
export function withoutPrft(bytes: Uint8Array): Uint8Array {
  return withoutTopLevelBoxes(bytes, 'prft');
}

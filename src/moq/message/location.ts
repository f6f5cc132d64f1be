import type { Reader, Writer } from '../../coding/index.js';

/** A Group/Object position in a track (§Location Structure). */
export interface Location {
  readonly group: number;
  readonly object: number;
}

export function writeLocation(w: Writer, location: Location): void {
  w.varint(location.group).varint(location.object);
}

export function readLocation(r: Reader): Location {
  const group = r.varint();
  const object = r.varint();
  return { group, object };
}

/** Negative when a < b, zero when equal, positive when a > b (§Location Structure order). */
export function compareLocations(a: Location, b: Location): number {
  if (a.group !== b.group) return a.group < b.group ? -1 : 1;
  if (a.object !== b.object) return a.object < b.object ? -1 : 1;
  return 0;
}

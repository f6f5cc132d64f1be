/** An extension header of an object (§ Object Extension Header): even types carry a number. */
export interface ExtensionHeader {
  type: number;
  value: number | Uint8Array;
}

/** One object as the model carries it: the unit a publisher writes and a subscriber reads. */
export interface MoqObject {
  objectId: number;
  payload: Uint8Array;
  extensions?: readonly ExtensionHeader[];
}

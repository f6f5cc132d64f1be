/**
 * Draft-16 folds every per-request error message into REQUEST_ERROR with one code table
 * (draft-16 §REQUEST_ERROR, IANA "REQUEST_ERROR Codes"). In memory we keep draft-14's codes per
 * message kind, so sessions of either version compare the same constants; this maps between them.
 * Codes both drafts give the same meaning (0x0-0x3) and codes neither names pass unchanged.
 */
export type RequestErrorKind =
  'subscribe' | 'fetch' | 'track_status' | 'publish' | 'publish_namespace' | 'subscribe_namespace';

const AUTH: readonly (readonly [number, number])[] = [
  [0x10, 0x4], // MALFORMED_AUTH_TOKEN
  [0x12, 0x5], // EXPIRED_AUTH_TOKEN
];
const TRACK: readonly (readonly [number, number])[] = [
  [0x4, 0x10], // TRACK_DOES_NOT_EXIST → DOES_NOT_EXIST
  [0x5, 0x11], // INVALID_RANGE
  ...AUTH,
];

/** [draft-14 code, draft-16 code] per kind. */
const PAIRS: Readonly<Record<RequestErrorKind, readonly (readonly [number, number])[]>> = {
  subscribe: TRACK,
  track_status: TRACK,
  fetch: [
    ...TRACK,
    [0x7, 0x32], // INVALID_JOINING_REQUEST_ID
    [0x9, 0x12], // MALFORMED_TRACK
  ],
  publish: [[0x4, 0x20], ...AUTH], // UNINTERESTED
  publish_namespace: [
    [0x4, 0x20], // UNINTERESTED
    [0x5, 0x30], // our NAMESPACE_TAKEN: another publisher holds an overlapping namespace
    ...AUTH,
  ],
  subscribe_namespace: [
    [0x4, 0x10], // NAMESPACE_PREFIX_UNKNOWN → DOES_NOT_EXIST
    [0x5, 0x30], // NAMESPACE_PREFIX_OVERLAP → PREFIX_OVERLAP
    ...AUTH,
  ],
};

export function toDraft16ErrorCode(kind: RequestErrorKind, code: number): number {
  return PAIRS[kind].find(([d14]) => d14 === code)?.[1] ?? code;
}

export function fromDraft16ErrorCode(kind: RequestErrorKind, code: number): number {
  return PAIRS[kind].find(([, d16]) => d16 === code)?.[0] ?? code;
}

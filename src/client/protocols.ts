import { DRAFT_14_PROTOCOLS, protocolsOfVersion, Version } from '../moq/index.js';

/**
 * The application protocols every client offers, preferred first. One place, so a new draft is
 * offered everywhere at once (the relay accepts the same list).
 *
 * Draft-14 first, then `moqt-16`: our relay (and any server that follows the client's order)
 * keeps every client on draft-14, the widest interop target; a relay that speaks only draft-16
 * (`moqt-16`) still finds a protocol in common (discovery there runs on draft-16's own
 * SUBSCRIBE_NAMESPACE streams, src/moq/session/namespace-subscription.ts). Over QMux the bare `qmux-00`
 * offered after them falls back to a draft-14 SETUP. `protocolsForDraft(16)` pins draft-16.
 * After them the later drafts, newest first (`moqt-18`, then `moqt-16`), so a relay that speaks
 * only one of those still finds it; draft-18 lacks SUBSCRIBE_NAMESPACE and FETCH here, so it is
 * not preferred while draft-14 is on offer. `protocolsForDraft(18)` pins draft-18.
 */
export const OFFERED_PROTOCOLS: readonly string[] = [
  ...DRAFT_14_PROTOCOLS,
  ...protocolsOfVersion(Version.DRAFT_18),
  ...protocolsOfVersion(Version.DRAFT_16),
];

/** The protocols that pin one draft (for `--draft 16` and tests). */
export function protocolsForDraft(draft: number): readonly string[] {
  const version = 0xff000000 + draft;
  const protocols = protocolsOfVersion(version);
  if (protocols.length === 0)
    throw new RangeError(`draft ${draft} is not one we speak (14, 16, 18)`);
  return protocols;
}

import { DRAFT_14_PROTOCOLS } from '../moq/index.js';

/**
 * The application protocols every client offers, preferred first. One place, so a new draft is
 * offered everywhere at once (the relay accepts the same list).
 */
export const OFFERED_PROTOCOLS: readonly string[] = DRAFT_14_PROTOCOLS;

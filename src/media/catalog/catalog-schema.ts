import * as z from 'zod/mini';

/**
 * Zod schemas of the catalog we read. Objects are not strict: MSF §Catalog says a parser MUST
 * ignore fields it does not understand, and zod drops unknown keys. `zod/mini` because this
 * runs in the watch page too, where the full zod would be most of the player's bytes.
 */

const count = z.number().check(z.int(), z.nonnegative());

/** Just enough of a track to decide whether it is one we can play (CMAF audio or video). */
export const trackKindSchema = z.object({
  packaging: z.string(),
  role: z.optional(z.string()),
});

export const catalogTrackSchema = z.object({
  name: z.string().check(z.minLength(1)),
  packaging: z.literal('cmaf'),
  isLive: z.boolean(),
  role: z.enum(['video', 'audio']),
  codec: z.string().check(z.minLength(1)),
  initData: z.string().check(z.minLength(1)),
  renderGroup: z.optional(count),
  altGroup: z.optional(count),
  width: z.optional(count),
  height: z.optional(count),
  framerate: z.optional(z.number().check(z.positive())),
  timescale: z.optional(count),
  bitrate: z.optional(count),
  samplerate: z.optional(count),
  channelConfig: z.optional(z.string()),
  label: z.optional(z.string()),
  maxGrpSapStartingType: z.optional(count),
});

/** Our catalogs say version 1; MSF drafts write "draft-NN", which we read the same way. */
export const catalogSchema = z.object({
  version: z.union([z.literal(1), z.string().check(z.regex(/^draft-\d+$/))]),
  generatedAt: z.optional(z.number().check(z.nonnegative())),
  tracks: z.array(z.unknown()),
});

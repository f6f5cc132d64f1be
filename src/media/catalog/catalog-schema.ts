import { z } from 'zod';

/**
 * Zod schemas of the catalog we read. Objects are not strict: MSF §Catalog says a parser MUST
 * ignore fields it does not understand, and zod drops unknown keys.
 */

const count = z.number().int().nonnegative();

/** Just enough of a track to decide whether it is one we can play (CMAF audio or video). */
export const trackKindSchema = z.object({
  packaging: z.string(),
  role: z.string().optional(),
});

export const catalogTrackSchema = z.object({
  name: z.string().min(1),
  packaging: z.literal('cmaf'),
  isLive: z.boolean(),
  role: z.enum(['video', 'audio']),
  codec: z.string().min(1),
  initData: z.string().min(1),
  renderGroup: count.optional(),
  altGroup: count.optional(),
  width: count.optional(),
  height: count.optional(),
  framerate: z.number().positive().optional(),
  timescale: count.optional(),
  bitrate: count.optional(),
  samplerate: count.optional(),
  channelConfig: z.string().optional(),
  label: z.string().optional(),
  maxGrpSapStartingType: count.optional(),
});

/** Our catalogs say version 1; MSF drafts write "draft-NN", which we read the same way. */
export const catalogSchema = z.object({
  version: z.union([z.literal(1), z.string().regex(/^draft-\d+$/)]).transform(() => 1 as const),
  generatedAt: z.number().nonnegative().optional(),
  tracks: z.array(z.unknown()),
});

import * as z from 'zod/mini';

/**
 * The hang catalog (`catalog.json`, moq-dev's `@moq/hang`): `video` and `audio` sections, each a
 * map of track name to a WebCodecs-style decoder config with the container its objects use.
 * Objects are loose: a reader ignores what it does not know, and so do we.
 */

const count = z.number().check(z.int(), z.nonnegative());

/** Just the container's kind: renditions in one we cannot read are left out, not refused. */
export const hangContainerKindSchema = z.object({ kind: z.string() });

export const hangCmafContainerSchema = z.object({
  kind: z.literal('cmaf'),
  init: z.string().check(z.minLength(1)),
});

export const hangVideoConfigSchema = z.object({
  codec: z.string().check(z.minLength(1)),
  container: z.optional(z.unknown()),
  description: z.optional(z.string().check(z.regex(/^([0-9a-fA-F]{2})*$/))),
  codedWidth: z.optional(count),
  codedHeight: z.optional(count),
  framerate: z.optional(z.number().check(z.positive())),
  bitrate: z.optional(count),
});

export const hangAudioConfigSchema = z.object({
  codec: z.string().check(z.minLength(1)),
  container: z.optional(z.unknown()),
  description: z.optional(z.string().check(z.regex(/^([0-9a-fA-F]{2})*$/))),
  sampleRate: count,
  numberOfChannels: count,
  bitrate: z.optional(count),
});

/** A section: the current `{renditions: {...}}`, or the older `[{track: {name}, config}]`. */
export const hangSectionSchema = z.union([
  z.object({ renditions: z.record(z.string(), z.unknown()) }),
  z.array(z.object({ track: z.object({ name: z.string() }), config: z.unknown() })),
  z.object({ track: z.object({ name: z.string() }), config: z.unknown() }),
]);

export const hangRootSchema = z.object({
  video: z.optional(z.unknown()),
  audio: z.optional(z.unknown()),
});

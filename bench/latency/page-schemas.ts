import { z } from 'zod';
import type { ProbeSnapshot } from './probe-types.js';

/** Values read out of a page arrive untyped; these check them on the way in. */
export const probeSnapshotSchema: z.ZodType<ProbeSnapshot> = z.object({
  attached: z.boolean(),
  firstFrameMs: z.number().nullable(),
  frames: z.number(),
  stalls: z.number(),
  maxGapMs: z.number(),
  waitingEvents: z.number(),
  nowMs: z.number(),
});

export const hlsSampleSchema = z.object({
  latencyMs: z.number().nullable(),
  errors: z.array(z.string()),
  probe: probeSnapshotSchema,
});
export type HlsSample = z.infer<typeof hlsSampleSchema>;

/**
 * The part of `window.moqPlayer.stats()` (src/media/player-browser/player-types.ts) the benchmark
 * reads. Undefined fields vanish on the way out of the page, hence `optional`.
 */
const traceSchema = z.object({
  deliveryMs: z.number(),
  decodeMs: z.number(),
  waitMs: z.number(),
  totalMs: z.number(),
  jitterMarginMs: z.number(),
  audioOutputMs: z.number(),
});

export const moqStatsSchema = z.object({
  state: z.string(),
  reason: z.string().optional(),
  transport: z.string().optional(),
  mode: z.string().optional(),
  rendition: z.string().optional(),
  latencyMs: z.number().optional(),
  latencyP50Ms: z.number().optional(),
  latencyP95Ms: z.number().optional(),
  framesRendered: z.number(),
  framesDropped: z.number().optional(),
  bufferMs: z.number().optional(),
  joinMs: z.number().optional(),
  maxRenderGapMs: z.number().optional(),
  join: z
    .object({
      scriptMs: z.number(),
      sessionMs: z.number(),
      catalogMs: z.number(),
      subscribeMs: z.number(),
      firstObjectMs: z.number(),
      firstFrameMs: z.number(),
      totalMs: z.number(),
      catalogFromPage: z.boolean(),
      sessionOpenedEarly: z.boolean().optional(),
    })
    .optional(),
  latencyTrace: traceSchema.optional(),
  latencyTraceP95: traceSchema.optional(),
});
export type MoqStats = z.infer<typeof moqStatsSchema>;

export const moqSampleSchema = z.object({
  stats: moqStatsSchema.nullable(),
  video: probeSnapshotSchema,
  render: probeSnapshotSchema,
});
export type MoqSample = z.infer<typeof moqSampleSchema>;

/** The relay's `/watch.json`: the live broadcasts. */
export const watchListSchema = z.object({
  broadcasts: z.array(z.object({ name: z.string() })),
});

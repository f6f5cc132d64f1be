import type { MoqStats } from './page-schemas.js';

const cell = (value: number | undefined): string =>
  value === undefined ? '–' : String(Math.round(value));

/** The player's join, step by step (navigation → first frame), as a markdown table. */
export function joinTable(stats: MoqStats | null): string[] {
  const join = stats?.join;
  if (!join) return ['(the player reported no join breakdown)'];
  const steps = [
    ['page + script', join.scriptMs],
    [
      `session (QUIC + MoQ setup${join.sessionOpenedEarly ? ', opened by the page' : ''})`,
      join.sessionMs,
    ],
    [`catalog${join.catalogFromPage ? ' (in the page)' : ''}`, join.catalogMs],
    ['video subscription answered', join.subscribeMs],
    ['first object', join.firstObjectMs],
    ['first frame decoded + shown', join.firstFrameMs],
    ['total, navigation → first frame', join.totalMs],
  ] as const;
  return [
    '| join step | ms |',
    '| --- | --- |',
    ...steps.map(([label, ms]) => `| ${label} | ${cell(ms)} |`),
  ];
}

/** Where glass-to-glass goes: the player's per-hop median and p95 over the last ≈ 10 s. */
export function hopTable(stats: MoqStats | null): string[] {
  const median = stats?.latencyTrace;
  const p95 = stats?.latencyTraceP95;
  if (!median) return ['(the player reported no latency trace)'];
  const hops = [
    ['delivery: prft → object in the page (encoder output, moq-pub, relay, network)', 'deliveryMs'],
    ['decode: arrival → decoder output', 'decodeMs'],
    ['wait: decoded → drawn (jitter buffer, due time, display refresh)', 'waitMs'],
    ['total glass-to-glass (of frames)', 'totalMs'],
    ['  of the wait: live clock jitter margin', 'jitterMarginMs'],
    ['  of the wait: audio output latency (lip sync)', 'audioOutputMs'],
  ] as const;
  return [
    '| hop | median ms | p95 ms |',
    '| --- | --- | --- |',
    ...hops.map(([label, key]) => `| ${label} | ${cell(median[key])} | ${cell(p95?.[key])} |`),
  ];
}

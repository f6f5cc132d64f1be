// The testbed's network and device profiles: a link schedule (rate, and delay/loss where the
// kernel has netem) for each viewer's namespace, how long to run, and the viewer's CPU.
import type { LinkShape } from './netns-link.js';

export interface LinkStep {
  /** From this second of the run on. */
  atS: number;
  shape: LinkShape;
}

export interface Profile {
  name: string;
  description: string;
  seconds: number;
  steps: LinkStep[];
  /** The viewer's browser held to this share of one core (a slow device). */
  viewerCores?: number;
  /** The ladder the publisher encodes. */
  ladder: string;
}

/** Light enough for three browsers and the encoder on a 2-core machine. */
const NETWORK_LADDER = '720p@2M,360p@600k,240p@250k';
/** The studio's default ladder. */
const DEFAULT_LADDER = '1080p,720p,360p';

/** 0.5–5 Mbit/s changing every 5 s: a fixed sequence, so runs compare. */
const MOBILE_KBIT = [5000, 2000, 800, 3000, 500, 4000, 1500, 5000, 700, 2500, 1000, 3500];

export const PROFILES: readonly Profile[] = [
  {
    name: 'good',
    description: '50 Mbit/s, 10 ms',
    seconds: 40,
    steps: [{ atS: 0, shape: { rateKbit: 50_000, delayMs: 10 } }],
    ladder: NETWORK_LADDER,
  },
  {
    name: 'drop',
    description: '10 Mbit/s, 1 Mbit/s from 20 s, 10 Mbit/s again from 40 s',
    seconds: 60,
    steps: [
      { atS: 0, shape: { rateKbit: 10_000 } },
      { atS: 20, shape: { rateKbit: 1_000 } },
      { atS: 40, shape: { rateKbit: 10_000 } },
    ],
    ladder: NETWORK_LADDER,
  },
  {
    name: 'lossy',
    description: '5 Mbit/s, 40 ms, 2 % loss',
    seconds: 40,
    steps: [{ atS: 0, shape: { rateKbit: 5_000, delayMs: 40, lossPercent: 2 } }],
    ladder: NETWORK_LADDER,
  },
  {
    name: 'mobile',
    description: '0.5–5 Mbit/s changing every 5 s, 80 ± 20 ms',
    seconds: 60,
    steps: MOBILE_KBIT.map((rateKbit, i) => ({
      atS: i * 5,
      shape: { rateKbit, delayMs: 80, jitterMs: 20 },
    })),
    ladder: NETWORK_LADDER,
  },
  {
    name: 'slow-device',
    description: '50 Mbit/s; the viewer’s browser held to half a core; the default ladder',
    seconds: 45,
    steps: [{ atS: 0, shape: { rateKbit: 50_000 } }],
    viewerCores: 0.5,
    ladder: DEFAULT_LADDER,
  },
];

export function profileNamed(name: string): Profile | undefined {
  return PROFILES.find((p) => p.name === name);
}

/** The link's shape at second `atS` of the run. */
export function shapeAt(profile: Profile, atS: number): LinkShape {
  let shape = (profile.steps[0] as LinkStep).shape;
  for (const step of profile.steps) if (step.atS <= atS) shape = step.shape;
  return shape;
}

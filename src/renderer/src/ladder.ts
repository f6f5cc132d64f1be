/** What the renderer needs from a typed ladder (`720p60@4M,360p`): each rung's target frame rate. */

const DEFAULT_FRAMERATE = 30;
const RUNG = /^(\d+)p(\d+)?/;

/** Target frame rate per rendition name; the engine validates the ladder itself. */
export function targetFrameRates(ladder: string): Map<string, number> {
  const rates = new Map<string, number>();
  for (const part of ladder.split(',')) {
    const match = RUNG.exec(part.trim());
    if (!match) continue;
    rates.set(`${match[1]}p`, match[2] ? Number(match[2]) : DEFAULT_FRAMERATE);
  }
  return rates;
}

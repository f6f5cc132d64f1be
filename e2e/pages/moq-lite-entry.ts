/**
 * Bundled for the browser by the Chromium interop test: @moq/lite in a page, on Chromium's own
 * WebTransport. Exposes two helpers on `window` that the test calls through page.evaluate.
 */
import { Broadcast, Connection, Path } from '@moq/lite';

interface PlanInPage {
  groups: number;
  objectsPerGroup: number;
  intervalMs: number;
}

const text = new TextEncoder();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function connect(url: string): Promise<Connection.Established> {
  // WebSocket off: the test is about native WebTransport.
  return Connection.connect(new URL(url), { websocket: { enabled: false } });
}

/** Subscribes and returns `count` groups as arrays of text objects. */
async function liteSubscribe(
  url: string,
  path: string,
  trackName: string,
  count: number,
): Promise<Array<{ group: number; objects: string[] }>> {
  const connection = await connect(url);
  const track = connection.consume(Path.from(path)).subscribe(trackName, 0);
  const out: Array<{ group: number; objects: string[] }> = [];
  const decoder = new TextDecoder();
  while (out.length < count) {
    const group = await track.recvGroup();
    if (!group) break;
    const objects: string[] = [];
    for (let frame = await group.readFrame(); frame; frame = await group.readFrame()) {
      objects.push(decoder.decode(frame));
    }
    out.push({ group: group.sequence, objects });
  }
  connection.close();
  return out;
}

/** Publishes `path`; each subscription to `trackName` gets the plan's groups (`g:o` text). */
async function litePublish(
  url: string,
  path: string,
  trackName: string,
  plan: PlanInPage,
): Promise<void> {
  const connection = await connect(url);
  const broadcast = new Broadcast();
  connection.publish(Path.from(path), broadcast);
  for (let request = await broadcast.requested(); request; request = await broadcast.requested()) {
    const track = request.track;
    if (track.name !== trackName) {
      track.close(new Error('no such track'));
      continue;
    }
    for (let g = 0; g < plan.groups; g++) {
      const group = track.appendGroup();
      for (let o = 0; o < plan.objectsPerGroup; o++)
        group.writeFrame(text.encode(`${group.sequence}:${o}`));
      group.close();
      await sleep(plan.intervalMs);
    }
  }
}

Object.assign(window, { liteSubscribe, litePublish });

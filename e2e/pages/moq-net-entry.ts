/* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- @moq/net's types do not resolve for eslint's type service (its .d.ts import @moq/signals); tsc checks them */
/**
 * Bundled for the browser by the Chromium interop test: @moq/net in a page, on Chromium's own
 * WebTransport, with the one protocol the test names (`moq-lite-05`, `moqt-16`, `moql`). Exposes
 * helpers on `window` that the test calls through page.evaluate.
 */
import { Broadcast, Connection, Path, Time } from '@moq/net';

interface PlanInPage {
  groups: number;
  objectsPerGroup: number;
}

interface ReceivedInPage {
  version: string;
  groups: Array<{ group: number; objects: string[] }>;
}

const text = new TextEncoder();
const connections: Connection.Established[] = [];

/**
 * Group g > 0 of the broadcast at `path` is written once the test calls netRelease(path, g):
 * the test paces by the relay's cache. Keyed by path so a test never releases another's groups.
 */
const gates = new Map<string, { opened: Promise<void>; open: () => void }>();
function gate(path: string, group: number): { opened: Promise<void>; open: () => void } {
  const key = `${path}#${group}`;
  let found = gates.get(key);
  if (!found) {
    const { promise, resolve } = Promise.withResolvers<void>();
    found = { opened: promise, open: resolve };
    gates.set(key, found);
  }
  return found;
}
function netRelease(path: string, group: number): void {
  gate(path, group).open();
}

async function connect(url: string, protocol: string): Promise<Connection.Established> {
  // WebSocket off: the test is about native WebTransport. Only `protocol` is offered.
  const connection = await Connection.connect(new URL(url), {
    websocket: { enabled: false },
    webtransport: { protocols: [protocol] },
  });
  connections.push(connection);
  return connection;
}

/** Subscribes and returns `count` whole groups as text objects, sorted by group. */
async function netSubscribe(
  url: string,
  protocol: string,
  path: string,
  trackName: string,
  count: number,
): Promise<ReceivedInPage> {
  const connection = await connect(url, protocol);
  const track = connection.consume(Path.from(path)).subscribe(trackName);
  const groups: ReceivedInPage['groups'] = [];
  const decoder = new TextDecoder();
  while (groups.length < count) {
    const group = await track.recvGroup();
    if (!group) break;
    const objects: string[] = [];
    for (let frame = await group.readFrame(); frame; frame = await group.readFrame()) {
      objects.push(decoder.decode(frame.payload));
    }
    groups.push({ group: group.sequence, objects });
  }
  track.close();
  return { version: connection.version, groups: groups.sort((a, b) => a.group - b.group) };
}

/** Watches `prefix` (announced()) and returns its first event: which path, and whether live. */
async function netAnnounced(
  url: string,
  protocol: string,
  prefix: string,
): Promise<{ path: string; active: boolean } | undefined> {
  const connection = await connect(url, protocol);
  const announced = connection.announced(Path.from(prefix));
  const event = await announced.next();
  announced.close();
  return event && { path: String(event.path), active: event.active };
}

/**
 * Publishes `path` and resolves with the negotiated version once it is announced. The first
 * request for `trackName` gets the plan's groups (`g:o` text): group 0 once the track is used,
 * each later group g once netRelease(path, g) is called.
 */
async function netPublish(
  url: string,
  protocol: string,
  path: string,
  trackName: string,
  plan: PlanInPage,
): Promise<string> {
  const connection = await connect(url, protocol);
  const broadcast = new Broadcast.Producer();
  connection.publish(Path.from(path), broadcast);
  void (async () => {
    for (
      let request = await broadcast.requested();
      request;
      request = await broadcast.requested()
    ) {
      if (request.name !== trackName) {
        request.reject(new Error('no such track'));
        continue;
      }
      // Not awaited: a moq-lite-05 relay asks once for TRACK_INFO (a request nobody reads) and
      // again for the subscription; the loop must be free to accept the second.
      void play(request.accept(), path, plan);
    }
  })();
  return connection.version;
}

async function play(
  track: ReturnType<Broadcast.Producer['createTrack']>,
  path: string,
  plan: PlanInPage,
): Promise<void> {
  // Group 0 goes out once someone reads the track: a moq-lite-05 relay confirms its
  // subscription (SUBSCRIBE_START) only when the first group is known.
  while (!track.used.peek()) await track.used.changed();
  for (let g = 0; g < plan.groups; g++) {
    if (g > 0) await gate(path, g).opened;
    const group = track.appendGroup();
    for (let o = 0; o < plan.objectsPerGroup; o++) {
      group.writeFrame({
        payload: text.encode(`${group.sequence}:${o}`),
        timestamp: Time.Timestamp.now(),
      });
    }
    group.close();
  }
}

function netCloseAll(): void {
  for (const connection of connections.splice(0)) connection.close();
}

Object.assign(window, { netSubscribe, netPublish, netRelease, netAnnounced, netCloseAll });

// A viewer for the emulated-network tests and the ABR benchmark, run inside a namespace:
// subscribes through the relay client — to the switching set (`relay`: the relay chooses) or to
// the top rendition alone (`fixed`) — and prints one JSON line per group as it ends: its id, the
// publisher's group id it carries (object 0's label; the relay's ids run ahead of the publisher's
// by the groups it cut to step down mid-group), the rendition, bytes, whether it was cut, the longest pause between objects so far, and each
// object's latency from publisher to here.
// Usage: switching-viewer.ts URL NAME [relay|fixed]
import { connectRelay } from '../../src/client/index.js';
import { GroupConsumer, RENDITION_EXTENSION } from '../../src/moq/index.js';
import { LADDER, labelOf, publishedAt } from '../../src/relay/abr/abr-test-kit.js';
import { nodeDialers } from '../../src/transport/index.js';

const [url, name, mode = 'relay'] = process.argv.slice(2);
if (!url || !name) throw new Error('usage: switching-viewer.ts URL NAME [relay|fixed]');

const connection = await connectRelay(url, nodeDialers, { transport: 'quic' });
const consumer = await connection.session.subscribe(
  name.split('/'),
  LADDER[0]!.trackName,
  mode === 'relay' ? { switchingSet: LADDER } : {},
);
let lastObjectAt = Date.now();
let longestPauseMs = 0;

function arrived(): number {
  const now = Date.now();
  longestPauseMs = Math.max(longestPauseMs, now - lastObjectAt);
  lastObjectAt = now;
  return now;
}

async function readGroup(group: GroupConsumer): Promise<void> {
  const startedAtMs = Date.now();
  let rendition: number | undefined = mode === 'relay' ? undefined : 0;
  let bytes = 0;
  let cut = false;
  let sourceGroupId: number | undefined;
  const latenciesMs: number[] = [];
  try {
    for (let o = await group.readObject(); o; o = await group.readObject()) {
      latenciesMs.push(arrived() - publishedAt(o.payload));
      bytes += o.payload.length;
      const tag = o.extensions?.find((e) => e.type === RENDITION_EXTENSION)?.value;
      if (o.objectId === 0 && typeof tag === 'number') rendition = tag;
      // publishLadder's labels: `track:group:object`.
      if (o.objectId === 0) sourceGroupId = Number(labelOf(o.payload).split(':')[1]);
    }
  } catch {
    cut = true;
  }
  const endedAtMs = Date.now();
  const line = {
    groupId: group.groupId,
    sourceGroupId,
    rendition,
    bytes,
    cut,
    startedAtMs,
    endedAtMs,
    longestPauseMs,
    latenciesMs,
  };
  longestPauseMs = 0;
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

for (;;) {
  const next = await consumer.nextGroup();
  if (next === undefined) break;
  if (next instanceof GroupConsumer) void readGroup(next);
}
await connection.close();

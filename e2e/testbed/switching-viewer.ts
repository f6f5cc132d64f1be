// A viewer for the emulated-network tests, run inside a namespace: subscribes to a switching set
// through the relay client and prints one JSON line per group as it ends — its id, the rendition
// the relay chose, its bytes, whether it was cut, and the longest pause between objects so far.
// Usage: switching-viewer.ts URL NAME
import { connectRelay } from '../../src/client/index.js';
import { GroupConsumer, RENDITION_EXTENSION } from '../../src/moq/index.js';
import { LADDER } from '../../src/relay/abr/abr-test-kit.js';
import { nodeDialers } from '../../src/transport/index.js';

const [url, name] = process.argv.slice(2);
if (!url || !name) throw new Error('usage: switching-viewer.ts URL NAME');

const connection = await connectRelay(url, nodeDialers, { transport: 'quic' });
const consumer = await connection.session.subscribe(name.split('/'), LADDER[0]!.trackName, {
  switchingSet: LADDER,
});
let lastObjectAt = Date.now();
let longestPauseMs = 0;

function arrived(): void {
  const now = Date.now();
  longestPauseMs = Math.max(longestPauseMs, now - lastObjectAt);
  lastObjectAt = now;
}

async function readGroup(group: GroupConsumer): Promise<void> {
  const startedAtMs = Date.now();
  let rendition: number | undefined;
  let bytes = 0;
  let cut = false;
  try {
    for (let o = await group.readObject(); o; o = await group.readObject()) {
      arrived();
      bytes += o.payload.length;
      const tag = o.extensions?.find((e) => e.type === RENDITION_EXTENSION)?.value;
      if (o.objectId === 0 && typeof tag === 'number') rendition = tag;
    }
  } catch {
    cut = true;
  }
  const line = {
    groupId: group.groupId,
    rendition,
    bytes,
    cut,
    startedAtMs,
    endedAtMs: Date.now(),
    longestPauseMs,
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

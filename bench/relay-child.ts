/**
 * The relay of `npm run bench:relay`, alone in its process so its CPU time is its own. Answers
 * CPU snapshots over IPC; logs only warnings (to stderr), since 200 session-open lines would
 * cost more than they tell.
 */
import { Relay } from '../src/relay/index.js';
import { udpBatchAddon } from '../src/transport/quic/index.js';
import { cpuSnapshot, send, type ParentMessage } from './relay-ipc.js';

const relay = await Relay.start({
  port: 0,
  logger: {
    info: () => undefined,
    warn: (fields, message) => console.error('relay warn:', message, JSON.stringify(fields)),
  },
});

process.on('message', (message: ParentMessage) => {
  if (message.type === 'cpu') send({ type: 'cpu', snapshot: cpuSnapshot() });
  if (message.type === 'exit') {
    // Exits once closed (not killed), so --cpu-prof can write its profile.
    void relay.close().finally(() => process.exit(0));
  }
});
send({ type: 'listening', port: relay.port, sendMode: udpBatchAddon().mode });

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { NetnsLink, netnsAvailable } from './netns-link.js';

const run = promisify(execFile);
const available = await netnsAvailable();

/** Downloads `sizeBytes` from a server on this side into the namespace; resolves with seconds. */
async function download(link: NetnsLink, sizeBytes: number): Promise<number> {
  const server = createServer((socket) => socket.end(Buffer.alloc(sizeBytes)));
  await new Promise<void>((resolve) => server.listen(0, link.hostAddress, resolve));
  const { port } = server.address() as { port: number };
  const script = `const s=require('net').connect(${port},'${link.hostAddress}');let n=0;const t=Date.now();s.on('data',d=>n+=d.length);s.on('end',()=>{console.log(n+' '+(Date.now()-t))})`;
  try {
    const child = link.spawn(process.execPath, ['-e', script]);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((resolve) => child.once('exit', resolve));
    const [received, ms] = out.trim().split(' ').map(Number);
    assert.equal(received, sizeBytes, `received ${out}`);
    return (ms ?? 0) / 1000;
  } finally {
    server.close();
  }
}

describe(
  'NetnsLink: a shaped link into a namespace of its own',
  { skip: !available && 'needs root and iproute2' },
  () => {
    test('carries data at the rate it was given, changes rate at run time, and leaves nothing behind', async () => {
      const link = await NetnsLink.create({ rateKbit: 4000 });
      try {
        const slow = await download(link, 1_000_000); // 8 Mbit at 4 Mbit/s: about 2 s
        assert.ok(slow > 1.4 && slow < 6, `1 MB at 4 Mbit/s took ${slow} s`);
        await link.shape({ rateKbit: 80_000 });
        const fast = await download(link, 1_000_000); // about 0.1 s
        assert.ok(fast < slow / 2, `after the change 1 MB took ${fast} s (was ${slow} s)`);
      } finally {
        await link.close();
      }
      const { stdout } = await run('ip', ['netns', 'list']);
      assert.ok(!stdout.includes(link.namespace), 'the namespace is gone');
      const links = await run('ip', ['link', 'show']);
      assert.ok(!links.stdout.includes(`${link.namespace}h`), 'the veth pair is gone');
    });

    test('a failure while building still removes what was made', async () => {
      await assert.rejects(NetnsLink.create({ rateKbit: 0 }));
      const { stdout } = await run('ip', ['netns', 'list']);
      assert.ok(!stdout.includes(`mtb${process.pid}x`), `left behind: ${stdout}`);
    });
  },
);

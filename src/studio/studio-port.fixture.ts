// A worker thread running the studio engine on its own, speaking StudioApi over the thread's
// MessagePort — the way the Electron shell runs it in a utilityProcess.
import { parentPort, workerData } from 'node:worker_threads';
import { createStudio } from './studio.js';
import { serveStudioPort } from './studio-port.js';

const port = parentPort;
if (!port) throw new Error('run me as a worker thread');
const { dataDir } = workerData as { dataDir: string };
const studio = await createStudio({ appVersion: 'test', dataDir });
serveStudioPort(studio, {
  post: (message) => port.postMessage(message),
  onMessage: (listener) => port.on('message', listener),
  onClose: (listener) => port.on('close', listener),
  close: () => port.close(),
});

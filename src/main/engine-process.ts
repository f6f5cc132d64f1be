// The studio engine's own process (an Electron utilityProcess): relay, QUIC, packager and ffmpeg
// supervision run here, off the main process's thread that handles windows. It speaks StudioApi
// with the main process over its parent port.
import { createStudio, serveStudioPort } from '../studio/index.js';

const parent = process.parentPort;
const dataDir = process.env['MOQ_STUDIO_DATA_DIR'];
if (!dataDir) throw new Error('MOQ_STUDIO_DATA_DIR is not set: start me from the app');

const studio = await createStudio({
  appVersion: process.env['MOQ_STUDIO_VERSION'] ?? '0.0.0',
  dataDir,
});
serveStudioPort(studio, {
  post: (message) => parent.postMessage(message),
  onMessage: (listener) => parent.on('message', (event) => listener(event.data)),
  // The main process going away ends this process with it.
  onClose: () => undefined,
  close: () => process.exit(0),
});
process.on('SIGTERM', () => void studio.close('the app is quitting').then(() => process.exit(0)));

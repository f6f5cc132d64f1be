import { app, BrowserWindow, session } from 'electron';
import { join } from 'node:path';
import { EngineHost } from './engine-host.js';
import { hardenContents, hardenSession } from './harden.js';
import { serveStudioApi } from './ipc.js';
import { registerAppScheme, serveRenderer } from './protocol.js';
import { APP_URL, contentSecurityPolicy, isTrustedUrl } from './security.js';

// electron-vite dev sets ELECTRON_RENDERER_URL; a packaged app never trusts it.
const devUrl = app.isPackaged ? undefined : process.env['ELECTRON_RENDERER_URL'];
const isTrusted = (url: string): boolean => isTrustedUrl(url, devUrl);
const csp = contentSecurityPolicy(devUrl);

registerAppScheme();
hardenContents();
app.enableSandbox();

function createWindow(): void {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    title: 'MoQ Studio',
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
    },
  });
  window.once('ready-to-show', () => window.show());
  window.loadURL(devUrl ?? APP_URL).catch((err: unknown) => console.error('load failed:', err));
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

app
  .whenReady()
  .then(() => {
    hardenSession(session.defaultSession, isTrusted, csp);
    serveRenderer(join(import.meta.dirname, '../renderer'), csp);
    // The engine runs in its own utilityProcess, off the thread that handles the windows.
    const engine = new EngineHost({ dataDir: app.getPath('userData'), version: app.getVersion() });
    serveStudioApi(engine.api, isTrusted);
    app.on('will-quit', () => engine.close());
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  })
  .catch((err: unknown) => {
    console.error('startup failed:', err);
    app.quit();
  });

import { ipcMain, webContents, type IpcMainInvokeEvent } from 'electron';
import {
  STUDIO_CHANNELS,
  STUDIO_EVENT_CHANNELS,
  STUDIO_EVENTS,
  STUDIO_METHODS,
  STUDIO_PARAMS,
  StudioError,
  type StudioApi,
  type StudioCommands,
  type StudioEventName,
  type StudioMethod,
} from '../studio/index.js';

type Handler<K extends StudioMethod> = (
  ...args: Parameters<StudioCommands[K]>
) => ReturnType<StudioCommands[K]>;

/**
 * The only place `ipcMain` is used: one handler per `StudioApi` command, typed by the contract.
 * Arguments come from the renderer, so each is checked against the command's zod schema first.
 */
function handle<K extends StudioMethod>(
  method: K,
  isTrusted: (url: string) => boolean,
  handler: Handler<K>,
): void {
  ipcMain.handle(STUDIO_CHANNELS[method], (event: IpcMainInvokeEvent, ...args: unknown[]) => {
    const url = event.senderFrame?.url;
    if (url === undefined || !isTrusted(url)) throw new Error(`untrusted IPC sender: ${url}`);
    const parsed = STUDIO_PARAMS[method].safeParse(args);
    if (!parsed.success) {
      throw new StudioError('BAD_PARAMS', `${method}: ${parsed.error.issues[0]?.message ?? ''}`);
    }
    return handler(...(parsed.data as Parameters<StudioCommands[K]>));
  });
}

/** Pushes one event to every trusted page (the studio and watch windows). */
function broadcast<E extends StudioEventName>(
  event: E,
  data: unknown,
  isTrusted: (url: string) => boolean,
): void {
  for (const contents of webContents.getAllWebContents()) {
    if (!contents.isDestroyed() && isTrusted(contents.getURL())) {
      contents.send(STUDIO_EVENT_CHANNELS[event], data);
    }
  }
}

/** Serves `api` over IPC to frames whose URL passes `isTrusted`; returns a function to stop. */
export function serveStudioApi(api: StudioApi, isTrusted: (url: string) => boolean): () => void {
  for (const method of STUDIO_METHODS) {
    handle(method, isTrusted, (...args) =>
      (api[method] as (...a: unknown[]) => ReturnType<StudioCommands[typeof method]>)(...args),
    );
  }
  const unsubscribe = STUDIO_EVENTS.map((event) =>
    api.on(event, (data) => broadcast(event, data, isTrusted)),
  );
  return () => {
    STUDIO_METHODS.forEach((method) => ipcMain.removeHandler(STUDIO_CHANNELS[method]));
    unsubscribe.forEach((stop) => stop());
  };
}

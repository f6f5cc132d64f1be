import { app, type Session } from 'electron';
import { ALLOWED_PERMISSIONS } from './security.js';

/** Grants only camera/mic and screen capture to our pages, and sets `csp` on their responses. */
export function hardenSession(
  session: Session,
  isTrusted: (url: string) => boolean,
  csp: string,
): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(ALLOWED_PERMISSIONS.has(permission) && isTrusted(details.requestingUrl)),
  );
  session.setPermissionCheckHandler(
    (_contents, permission, origin) => ALLOWED_PERMISSIONS.has(permission) && isTrusted(origin),
  );
  session.webRequest.onHeadersReceived((details, callback) => {
    if (!isTrusted(details.url)) return callback({});
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
}

/** Denies navigation, new windows and <webview> in every web contents, present and future. */
export function hardenContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

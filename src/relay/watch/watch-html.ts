/** The HTML the relay serves viewers: the broadcast list and the watch page. */
import { EARLY_SESSION_SCRIPT } from './early-session.js';
import type { WatchStart } from './watch-start.js';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** `/watch/` + each namespace part URL-encoded, so names with `/` keep their structure. */
export function watchPath(name: string): string {
  return `/watch/${name.split('/').map(encodeURIComponent).join('/')}`;
}

function page(title: string, body: string, script = ''): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    '<link rel="icon" href="data:,">',
    // Before the stylesheet: an inline script waits for every stylesheet above it.
    script,
    '<link rel="stylesheet" href="/player/watch.css">',
    '</head>',
    `<body>${body}</body>`,
    '</html>',
  ].join('\n');
}

export function listPage(names: string[], nextPage?: string): string {
  const items = names
    .map((name) => `<li><a href="${escapeHtml(watchPath(name))}">${escapeHtml(name)}</a></li>`)
    .join('\n');
  const more = nextPage ? `<p><a rel="next" href="${escapeHtml(nextPage)}">More</a></p>` : '';
  const body =
    names.length === 0
      ? '<main><h1>Live broadcasts</h1><p>Nothing is live right now.</p></main>'
      : `<main><h1>Live broadcasts</h1><ul class="broadcasts">\n${items}\n</ul>${more}</main>`;
  return page('Live broadcasts · MoQ', body);
}

/** The page's start data for its player (see watch-start.ts), read by src/watch-browser. */
function startData(start: WatchStart | undefined): string {
  if (!start) return '';
  const lines = [
    `<meta name="moq-certificate-sha256" content="${escapeHtml(start.certificateSha256)}">`,
  ];
  const protocols = start.protocols ?? [];
  if (protocols.length > 0) {
    lines.push(`<meta name="moq-protocols" content="${escapeHtml(protocols.join(','))}">`);
  }
  if (protocols.length > 0 && start.clientSetup) {
    const { base64, protocols: fits } = start.clientSetup;
    lines.push(
      `<meta name="moq-client-setup" content="${escapeHtml(base64)}" data-protocols="${escapeHtml(fits.join(','))}">`,
    );
    if (start.earlyRequests !== undefined) {
      lines.push(`<meta name="moq-early-requests" content="${escapeHtml(start.earlyRequests)}">`);
    }
  }
  if (start.catalogJson !== undefined) {
    // Inert data (not run, so the CSP allows it); `<` escaped so no text can close the element.
    const json = start.catalogJson.replace(/</g, '\\u003c');
    lines.push(`<script type="application/json" id="moq-catalog">${json}</script>`);
  }
  // After the data it reads; before the player's script, so the handshake overlaps its load.
  if (protocols.length > 0) lines.push(`<script>${EARLY_SESSION_SCRIPT}</script>`);
  return lines.join('\n');
}

/** `chunks`: the script's static imports, preloaded beside it (see PlayerBundle.staticChunks). */
export function watchPage(
  name: string,
  start?: WatchStart,
  chunks: readonly string[] = [],
): string {
  const body = [
    '<main>',
    `<h1>${escapeHtml(name)}</h1>`,
    '<div class="watch-layout"><div id="player"></div><div id="chat"></div></div>',
    '<p><a href="/watch">All live broadcasts</a></p>',
    '</main>',
  ].join('\n');
  const script = [
    '<script type="module" src="/player/watch.js"></script>',
    ...chunks.map((chunk) => `<link rel="modulepreload" href="/player/${escapeHtml(chunk)}">`),
  ].join('\n');
  return page(`${name} · MoQ`, body, [startData(start), script].filter(Boolean).join('\n'));
}

export const WATCH_CSS = `body { margin: 0; background: #181818; color: #eee; font: 15px system-ui, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 16px; }
h1 { font-size: 20px; font-weight: 600; }
a { color: #8cf; }
#player { width: 100%; min-width: 0; }
.watch-layout { display: grid; grid-template-columns: minmax(0, 1fr) 320px; gap: 12px; align-items: start; }
@media (max-width: 820px) { .watch-layout { grid-template-columns: 1fr; } }
`;

import type { JSX, KeyboardEvent } from 'react';
import type { RelayTarget } from '../../studio/studio-api.js';
import { Field } from './Field.js';
import { useDraft } from './use-draft.js';
import type { SettingsSaver } from './use-settings-saver.js';

export interface RelaySettingsProps {
  relay: RelayTarget;
  locked: boolean;
  saver: SettingsSaver;
}

const onEnter =
  (commit: () => void) =>
  (event: KeyboardEvent<HTMLInputElement>): void => {
    if (event.key === 'Enter') commit();
  };

/** Why a typed relay URL cannot work, before asking the engine (which checks it again). */
function urlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return `"${text}" is not a URL — use one like http://relay.example.com:4443/`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `${url.protocol} is not http: or https: — use http://host:port/ (the relay's certificate hash is fetched over HTTP)`;
  }
  return undefined;
}

/** Where the broadcast goes: the studio's own relay on a port, or a relay URL with a token. */
export function RelaySettings({ relay, locked, saver }: RelaySettingsProps): JSX.Element {
  const [port, setPort] = useDraft(relay.kind === 'embedded' ? String(relay.port) : '4443');
  const [url, setUrl] = useDraft(relay.kind === 'remote' ? relay.url : '');
  const [token, setToken] = useDraft(relay.kind === 'remote' ? (relay.token ?? '') : '');

  const saveEmbedded = (): void => {
    const n = Number(port);
    if (!Number.isInteger(n) || n < 0 || n > 65535) {
      return saver.reject('relay', 'a port is 0 to 65535 (0: any free port)');
    }
    void saver.save('relay', { relay: { kind: 'embedded', port: n } });
  };
  const saveRemote = (): void => {
    if (url.trim() === '') return saver.reject('relay', 'type the relay URL');
    const target: RelayTarget = { kind: 'remote', url: url.trim() };
    if (token.trim()) target.token = token.trim();
    // Saved even when it looks wrong (the engine checks it on Go live, as it does every URL);
    // the warning says now what Go live would say later.
    const problem = urlProblem(url);
    void saver.save('relay', { relay: target }).then((saved) => {
      if (saved && problem) saver.reject('relay', problem);
    });
  };
  const choose = (kind: RelayTarget['kind']): void => {
    if (kind === relay.kind) return;
    if (kind === 'embedded') saveEmbedded();
    else if (url.trim()) saveRemote();
    else saver.reject('relay', 'type the relay URL, then press Enter');
  };
  // The kind on screen: "Remote" may be chosen before its URL is typed (and so saved).
  const [shown, setShown] = useDraft(relay.kind);

  return (
    <section className="panel relay">
      <h2>Relay</h2>
      <div className="segmented" role="radiogroup">
        {(['embedded', 'remote'] as const).map((kind) => (
          <button
            key={kind}
            type="button"
            role="radio"
            aria-checked={shown === kind}
            className={shown === kind ? 'selected' : ''}
            disabled={locked}
            onClick={() => {
              setShown(kind);
              choose(kind);
            }}
            data-testid={`relay-${kind}`}
          >
            {kind === 'embedded' ? 'Built-in relay' : 'Remote relay'}
          </button>
        ))}
      </div>
      {shown === 'embedded' ? (
        <Field label="Port (UDP + TCP)" name="relay" error={saver.errors.relay}>
          <input
            inputMode="numeric"
            value={port}
            disabled={locked}
            onChange={(e) => setPort(e.target.value)}
            onBlur={saveEmbedded}
            onKeyDown={onEnter(saveEmbedded)}
            data-testid="relay-port"
          />
        </Field>
      ) : (
        <>
          <Field label="Relay URL" name="relay" error={saver.errors.relay}>
            <input
              value={url}
              disabled={locked}
              spellCheck={false}
              placeholder="http://relay.example.com:4443/"
              onChange={(e) => setUrl(e.target.value)}
              onBlur={saveRemote}
              onKeyDown={onEnter(saveRemote)}
              data-testid="relay-url"
            />
          </Field>
          <Field label="Token (optional)" name="token">
            <input
              type="password"
              value={token}
              disabled={locked}
              autoComplete="off"
              onChange={(e) => setToken(e.target.value)}
              onBlur={saveRemote}
              onKeyDown={onEnter(saveRemote)}
            />
          </Field>
        </>
      )}
    </section>
  );
}

import { useEffect, useState, type JSX } from 'react';
import type { StudioVersions } from '../../studio/index.js';

function Versions({ versions }: { versions: StudioVersions }): JSX.Element {
  return (
    <dl>
      <dt>MoQ Studio</dt>
      <dd>{versions.app}</dd>
      {versions.electron !== undefined && (
        <>
          <dt>Electron</dt>
          <dd>{versions.electron}</dd>
        </>
      )}
      <dt>Node</dt>
      <dd>{versions.node}</dd>
    </dl>
  );
}

export function App(): JSX.Element {
  const studio = window.studio;
  const [versions, setVersions] = useState<StudioVersions>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    studio?.getVersion().then(setVersions, (err: unknown) => setError(String(err)));
  }, [studio]);

  let body: JSX.Element;
  if (!studio) body = <p>Not connected to a studio engine.</p>;
  else if (error !== undefined) body = <p role="alert">{error}</p>;
  else if (!versions) body = <p>Loading…</p>;
  else body = <Versions versions={versions} />;

  return (
    <main>
      <h1>MoQ Studio</h1>
      {body}
    </main>
  );
}

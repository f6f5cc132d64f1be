import { useEffect, useState, type JSX } from 'react';
import type { StudioApi } from '../../studio/studio-api.js';
import { ErrorBanner } from './ErrorBanner.js';
import { errorText, formatDuration } from './format.js';
import { StateBadge } from './StateBadge.js';
import { connectStudio } from './studio-connection.js';
import { StudioView } from './StudioView.js';
import { useNow } from './use-now.js';
import { useRoute, type Route } from './use-route.js';
import { useStudio, type StudioModel } from './use-studio.js';
import { WatchPage } from './WatchPage.js';

/** Connects to the engine, then shows the studio or the watch window. */
export function App(): JSX.Element {
  const [api, setApi] = useState<StudioApi>();
  const [failure, setFailure] = useState<string>();

  useEffect(() => {
    connectStudio().then(
      (connection) => {
        setApi(connection.api);
        void connection.lost.then(setFailure);
      },
      (error: unknown) => setFailure(errorText(error)),
    );
  }, []);

  if (!api) {
    return (
      <div className="app">
        <TopBar route="studio" />
        {failure ? (
          <ErrorBanner
            error={{
              message: `Not connected to a studio engine: ${failure}`,
              hint: 'open the address moq-studio serve printed (it carries the token), or start the desktop app',
            }}
            onDismiss={() => undefined}
          />
        ) : (
          <p className="connecting">Connecting to the studio…</p>
        )}
      </div>
    );
  }
  return <Connected api={api} failure={failure} />;
}

function Connected({ api, failure }: { api: StudioApi; failure: string | undefined }): JSX.Element {
  const model = useStudio(api);
  const route = useRoute();
  const { status, settings } = model;
  const problem = failure ?? model.loadError;

  return (
    <div className="app">
      <TopBar route={route} model={model} />
      {problem && (
        <ErrorBanner
          error={{ message: problem, hint: 'reload the page once the studio runs again' }}
          onDismiss={() => undefined}
        />
      )}
      {route === 'watch' ? (
        <WatchPage api={api} status={status} settings={settings} />
      ) : status && settings ? (
        <StudioView api={api} model={model} status={status} settings={settings} />
      ) : (
        <p className="connecting">Loading the studio…</p>
      )}
    </div>
  );
}

function TopBar({ route, model }: { route: Route; model?: StudioModel }): JSX.Element {
  const status = model?.status;
  const live = status?.liveSince;
  const now = useNow(live !== undefined, 1000);
  return (
    <header className="topbar">
      <span className="brand">
        <span className="brand-mark" aria-hidden="true" />
        MoQ Studio
      </span>
      <nav className="tabs">
        <a href="#studio" className={route === 'studio' ? 'active' : ''}>
          Studio
        </a>
        <a href="#watch" className={route === 'watch' ? 'active' : ''} data-testid="tab-watch">
          Watch
        </a>
      </nav>
      <span className="topbar-status">
        <StateBadge state={status?.state} testId="topbar-state" />
        {live !== undefined && <span className="duration">{formatDuration(now - live)}</span>}
      </span>
      {model?.versions && (
        <span className="versions">
          v{model.versions.app}
          {model.versions.electron ? ` · Electron ${model.versions.electron}` : ' · headless'} ·
          Node {model.versions.node}
        </span>
      )}
    </header>
  );
}

import { useEffect, useState } from 'react';

export type Route = 'studio' | 'watch';

function current(): Route {
  return location.hash.startsWith('#watch') ? 'watch' : 'studio';
}

/** The page's view from its hash (`#watch`, else the studio), so links and reloads keep it. */
export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(current);
  useEffect(() => {
    const onChange = (): void => setRoute(current());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

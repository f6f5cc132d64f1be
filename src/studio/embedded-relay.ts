import { Relay } from '../relay/index.js';
import { StudioRelayAuth, relayAccessFor, type RelayAccess } from './relay-access.js';
import { StudioError, describeError } from './studio-error.js';

/**
 * The relay inside the studio: started on demand, then kept up while the studio runs (the watch
 * window and viewers keep their URL across broadcasts). Asking for another port restarts it.
 */
export class EmbeddedRelay {
  #relay: Relay | undefined;
  #starting: Promise<Relay> | undefined;
  #auth: StudioRelayAuth | undefined;
  #chatFor: string | undefined;

  /** `dataDir` keeps the relay key when the relay listens beyond loopback. */
  constructor(
    private readonly host: string,
    private readonly dataDir?: string,
  ) {}

  /** Beyond loopback (with a settings folder), only the studio's own token may publish. */
  get access(): RelayAccess {
    return this.dataDir === undefined ? 'loopback' : relayAccessFor(this.host);
  }

  /** The URL the studio publishes to: `url`, with the studio's own token when protected. */
  async publishUrl(): Promise<string | undefined> {
    const url = this.url;
    if (url === undefined || !this.#auth) return url;
    return this.#auth.publishUrl(url);
  }

  /** Lets viewers publish chat for this broadcast (the only anonymous publishing allowed). */
  allowViewerChat(broadcastName: string): void {
    this.#chatFor = broadcastName;
    this.#auth?.allowViewerChat(broadcastName);
  }

  get relay(): Relay | undefined {
    return this.#relay;
  }

  /** `http://host:port/` of the running relay. */
  get url(): string | undefined {
    return this.#relay ? urlOf(this.host, this.#relay.port) : undefined;
  }

  /** The running relay on `port` (0 = whichever it runs on, or any free port). */
  async ensure(port: number): Promise<Relay> {
    const running = this.#relay;
    if (running && (port === 0 || port === running.port)) return running;
    if (this.#starting) return this.#starting;
    this.#starting = this.#restart(port).finally(() => (this.#starting = undefined));
    return this.#starting;
  }

  async close(): Promise<void> {
    const relay = this.#relay;
    this.#relay = undefined;
    await relay?.close();
  }

  async #restart(port: number): Promise<Relay> {
    await this.close();
    try {
      this.#auth = await this.#openAuth();
      this.#relay = await Relay.start({
        host: this.host,
        port,
        ...(this.#auth ? { auth: this.#auth.authorizer } : {}),
      });
    } catch (error) {
      throw bindError(this.host, port, error);
    }
    return this.#relay;
  }

  async #openAuth(): Promise<StudioRelayAuth | undefined> {
    if (this.access === 'loopback' || this.dataDir === undefined) return undefined;
    const auth = await StudioRelayAuth.open(this.dataDir);
    if (this.#chatFor !== undefined) auth.allowViewerChat(this.#chatFor);
    return auth;
  }
}

export function urlOf(host: string, port: number): string {
  const name = host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}/`;
}

function bindError(host: string, port: number, error: unknown): StudioError {
  const inUse = /EADDRINUSE|in use/i.test(describeError(error));
  if (inUse) {
    return new StudioError(
      'RELAY_PORT_IN_USE',
      `port ${port} is already in use, so the studio's relay cannot start`,
      'choose another relay port in the settings (0 picks a free one), or stop the program using it',
      { cause: error },
    );
  }
  return new StudioError(
    'INTERNAL',
    `the studio's relay could not start on ${host}:${port}: ${describeError(error)}`,
    'check the relay port in the settings',
    { cause: error },
  );
}

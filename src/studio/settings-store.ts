import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DEFAULT_SETTINGS,
  StudioSettingsSchema,
  type SettingsPatch,
  type StudioSettings,
} from './studio-api.js';
import { StudioError, describeError } from './studio-error.js';

export const SETTINGS_FILE = 'settings.json';

/** Settings may hold a relay token: only their owner reads them. */
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/**
 * The studio's settings, kept in `DIR/settings.json`. A missing file means defaults; a corrupt or
 * invalid one also means defaults (reported through `warn`), never a studio that cannot start.
 */
export class SettingsStore {
  #settings: StudioSettings = DEFAULT_SETTINGS;
  #writing: Promise<void> = Promise.resolve();

  private constructor(readonly path: string) {}

  static async open(dataDir: string, warn: (message: string) => void): Promise<SettingsStore> {
    const store = new SettingsStore(join(dataDir, SETTINGS_FILE));
    // A folder we create is private; one the user chose keeps its mode, the file is private.
    await mkdir(dataDir, { recursive: true, mode: DIR_MODE });
    await chmod(store.path, FILE_MODE).catch(() => undefined);
    store.#settings = await load(store.path, warn);
    return store;
  }

  get current(): StudioSettings {
    return structuredClone(this.#settings);
  }

  /** Applies a patch (each field replaces the stored one), validates the result, persists it. */
  async update(patch: SettingsPatch): Promise<StudioSettings> {
    const merged = StudioSettingsSchema.safeParse({ ...this.#settings, ...patch });
    if (!merged.success) {
      const issue = merged.error.issues[0];
      const where = issue?.path.join('.') || 'settings';
      throw new StudioError('BAD_SETTINGS', `${where}: ${issue?.message ?? 'invalid'}`);
    }
    this.#settings = merged.data;
    await this.#persist();
    return this.current;
  }

  /** Writes are queued so two quick updates never interleave; rename keeps the file whole. */
  #persist(): Promise<void> {
    const text = `${JSON.stringify(this.#settings, null, 2)}\n`;
    const write = async (): Promise<void> => {
      const temporary = `${this.path}.tmp`;
      await writeFile(temporary, text, { mode: FILE_MODE });
      // A temporary file left over from a crash keeps its old mode through writeFile.
      await chmod(temporary, FILE_MODE);
      await rename(temporary, this.path);
    };
    this.#writing = this.#writing.then(write, write);
    return this.#writing;
  }
}

async function load(path: string, warn: (message: string) => void): Promise<StudioSettings> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      warn(`cannot read ${path} (${describeError(error)}): using the default settings`);
    }
    return DEFAULT_SETTINGS;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    warn(`${path} is not JSON (${describeError(error)}): using the default settings`);
    return DEFAULT_SETTINGS;
  }
  const checked = StudioSettingsSchema.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    warn(
      `${path} is invalid at ${issue?.path.join('.') ?? '?'} (${issue?.message ?? ''}): using the default settings`,
    );
    return DEFAULT_SETTINGS;
  }
  return checked.data;
}

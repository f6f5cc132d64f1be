import { CertificateError } from './certificate-error.js';
import type { CertificateMaterial } from './certificate-material.js';
import { DEFAULT_VALIDITY_MS, generateCertificate } from './generate.js';
import { loadCertificate } from './load.js';
import { setLongTimeout, type CancelTimeout } from './long-timeout.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_ROTATE_BEFORE_MS = 2 * DAY_MS;
// Keeps a misjudged configuration (or X.509's whole-second rounding) from rotating in a hot loop.
const MIN_ROTATION_DELAY_MS = 250;
// A failed rotation is retried soon; the current certificate usually still has time left.
const ROTATION_RETRY_MS = 5000;

export interface CertificateStoreOptions {
  /** With `keyPath`: serve these files (never rotated automatically). */
  certPath?: string;
  keyPath?: string;
  /** For generated certificates: extra SAN names. */
  hostnames?: string[];
  /** For generated certificates: default 10 days, at most 14. */
  validityMs?: number;
  /** For generated certificates: how long before expiry to rotate (default 2 days, or half the
   * validity if that is shorter). */
  rotateBeforeMs?: number;
}

/** Where the store's certificates come from. */
export type CertificateSource = 'generated' | 'files';

type RotateListener = (next: CertificateMaterial) => void;

/** Holds the current certificate; generated ones are replaced before they expire. */
export class CertificateStore {
  #current: CertificateMaterial;
  #listeners = new Set<RotateListener>();
  #cancelTimer: CancelTimeout | undefined;
  #closed = false;

  private constructor(
    readonly source: CertificateSource,
    private readonly options: CertificateStoreOptions,
    private readonly rotateBeforeMs: number,
    initial: CertificateMaterial,
  ) {
    this.#current = initial;
  }

  static async create(options: CertificateStoreOptions = {}): Promise<CertificateStore> {
    const { certPath, keyPath } = options;
    if ((certPath === undefined) !== (keyPath === undefined)) {
      throw new CertificateError('INVALID_OPTIONS', 'certPath and keyPath must be given together');
    }
    if (certPath !== undefined && keyPath !== undefined) {
      const material = await loadCertificate(certPath, keyPath);
      return new CertificateStore('files', options, 0, material);
    }
    const rotateBeforeMs = resolveRotateBefore(options);
    const store = new CertificateStore(
      'generated',
      options,
      rotateBeforeMs,
      await generateCertificate(options),
    );
    store.#scheduleRotation();
    return store;
  }

  /**
   * A store holding certificates made elsewhere (the primary of `moq-relay --workers N`): it never
   * rotates by itself; the owner hands it each new certificate with `replace`.
   */
  static shared(material: CertificateMaterial, source: CertificateSource): CertificateStore {
    return new CertificateStore(source, {}, 0, material);
  }

  /** Installs a certificate made elsewhere (see `shared`); listeners hear of it if it changed. */
  replace(material: CertificateMaterial): void {
    this.#install(material);
  }

  current(): CertificateMaterial {
    return this.#current;
  }

  /** Calls `listener` with each new certificate; returns the unsubscribe function. */
  onRotate(listener: RotateListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /**
   * Re-reads the files (after a renewal), or for a generated store rotates now. Listeners hear
   * of it only if the certificate actually changed.
   */
  async reload(): Promise<CertificateMaterial> {
    const next =
      this.source === 'files'
        ? await loadCertificate(this.options.certPath ?? '', this.options.keyPath ?? '')
        : await generateCertificate(this.options);
    this.#install(next);
    if (this.source === 'generated') this.#scheduleRotation();
    return next;
  }

  close(): void {
    this.#closed = true;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
    this.#listeners.clear();
  }

  #scheduleRotation(): void {
    this.#cancelTimer?.();
    if (this.#closed) return;
    const rotateAt = this.#current.notAfter.getTime() - this.rotateBeforeMs;
    const delay = Math.max(MIN_ROTATION_DELAY_MS, rotateAt - Date.now());
    this.#cancelTimer = setLongTimeout(() => void this.#rotate(), delay);
  }

  async #rotate(): Promise<void> {
    try {
      this.#install(await generateCertificate(this.options));
      this.#scheduleRotation();
    } catch (error) {
      // A timer callback has no caller to throw to; warn and try again shortly.
      process.emitWarning(`certificate rotation failed, retrying: ${String(error)}`);
      if (!this.#closed) {
        this.#cancelTimer = setLongTimeout(() => void this.#rotate(), ROTATION_RETRY_MS);
      }
    }
  }

  #install(next: CertificateMaterial): void {
    if (this.#closed) return;
    const changed = next.sha256Hex !== this.#current.sha256Hex;
    this.#current = next;
    if (!changed) return;
    for (const listener of [...this.#listeners]) {
      try {
        listener(next);
      } catch (error) {
        // One faulty subscriber must not stop the others from switching certificates.
        process.emitWarning(`certificate rotate listener threw: ${String(error)}`);
      }
    }
  }
}

function resolveRotateBefore(options: CertificateStoreOptions): number {
  const validityMs = options.validityMs ?? DEFAULT_VALIDITY_MS;
  const rotateBeforeMs =
    options.rotateBeforeMs ?? Math.min(DEFAULT_ROTATE_BEFORE_MS, validityMs / 2);
  if (!Number.isFinite(rotateBeforeMs) || rotateBeforeMs < 0 || rotateBeforeMs >= validityMs) {
    throw new CertificateError(
      'INVALID_OPTIONS',
      `rotateBeforeMs must be at least 0 and below validityMs (${validityMs}), got ${rotateBeforeMs}`,
    );
  }
  return rotateBeforeMs;
}

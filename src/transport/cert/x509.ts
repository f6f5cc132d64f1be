// @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect metadata API
// in place before it is evaluated.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

// @peculiar/x509 signs and hashes through whatever WebCrypto it is given; use Node's own so the
// result does not depend on which globals the host happens to expose.
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** @peculiar/x509, ready to use under Node. Import it from here, never directly. */
export { x509 };

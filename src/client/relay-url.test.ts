import assert from 'node:assert/strict';
import { test } from 'node:test';
import { displayUrl, parseRelayUrl } from './relay-url.js';

test('a relay URL shown in messages hides its ?jwt= token and keeps the rest', () => {
  const url = parseRelayUrl('http://relay.example:4443/demo?jwt=eyJhbGciOi.secret.sig&x=1');
  const shown = displayUrl(url);
  assert.ok(!shown.includes('secret'), shown);
  assert.match(shown, /^http:\/\/relay\.example:4443\/demo\?jwt=.+&x=1$/);
  assert.equal(displayUrl('http://relay.example:4443/'), 'http://relay.example:4443/');
});

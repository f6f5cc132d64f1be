/**
 * The chat wire format (MoQ-native; see README "Chat"):
 *
 * - A viewer publishes the namespace `<broadcast…>/chat/<viewerId>` (viewerId: 8 lowercase
 *   base32 characters, random per page) with one track, `messages`.
 * - One group per message, its id the message's sequence number (0, 1, 2, …); one object in
 *   each group: UTF-8 JSON `{"text": string, "name"?: string, "sentAt": ms since the epoch}`.
 * - `text` is 1..500 characters, `name` 1..32; control characters are removed (tabs and line
 *   breaks become spaces) and so are bidi overrides. It is text, never markup: every reader
 *   shows it as text.
 *
 * The sender validates before it sends; every reader validates again, since anyone may publish.
 */
import { ChatError } from './chat-error.js';

export const CHAT_NAMESPACE_PART = 'chat';
export const CHAT_TRACK = 'messages';
export const MAX_TEXT_CHARS = 500;
export const MAX_NAME_CHARS = 32;
/** Enough for 500 four-byte characters, a name and the JSON around them. */
export const MAX_MESSAGE_BYTES = 4096;

/** A message as it travels. */
export interface ChatWireMessage {
  text: string;
  name?: string;
  sentAt: number;
}

const VIEWER_ID = /^[a-z2-7]{8,32}$/;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
// C0/C1 controls (\p{Cc}) and the bidi embeddings/overrides/isolates that can flip text around.
const STRIPPED = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/gu;
const SPACED = /[\t\n\r\v\f\u2028\u2029]+/g;

/** The namespace prefix under which a broadcast's viewers publish their chat. */
export function chatPrefix(broadcast: readonly string[]): string[] {
  return [...broadcast, CHAT_NAMESPACE_PART];
}

export function chatNamespace(broadcast: readonly string[], viewerId: string): string[] {
  return [...chatPrefix(broadcast), viewerId];
}

/** `a/b` → `['a', 'b']`, as the studio and the watch page name broadcasts. */
export function broadcastParts(name: string | readonly string[]): readonly string[] {
  return typeof name === 'string' ? name.split('/').filter(Boolean) : name;
}

/** Whether a namespace is some broadcast's viewer chat (`…/chat/<viewerId>`). */
export function isChatNamespace(namespace: readonly string[]): boolean {
  const id = namespace.at(-1);
  return namespace.at(-2) === CHAT_NAMESPACE_PART && id !== undefined && isViewerId(id);
}

export function isViewerId(id: string): boolean {
  return VIEWER_ID.test(id);
}

/** 8 random base32 characters (40 bits: collisions in one room are vanishingly rare). */
export function randomViewerId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => BASE32[b & 31]).join('');
}

/** Text as it may be shown: controls removed, line breaks as spaces, trimmed. */
export function cleanText(text: string): string {
  return text.replace(SPACED, ' ').replace(STRIPPED, '').trim();
}

/** Characters as people count them (code points, so an emoji is one). */
export function charCount(text: string): number {
  return Array.from(text).length;
}

/** Checks and cleans a message to send or show; throws INVALID_MESSAGE. */
export function validateMessage(message: ChatWireMessage): ChatWireMessage {
  const text = cleanText(message.text);
  if (text === '') throw invalid('the message is empty');
  if (charCount(text) > MAX_TEXT_CHARS) {
    throw invalid(`a message is at most ${MAX_TEXT_CHARS} characters`);
  }
  if (!Number.isFinite(message.sentAt)) throw invalid('sentAt is not a time');
  const out: ChatWireMessage = { text, sentAt: message.sentAt };
  const name = message.name === undefined ? '' : cleanText(message.name);
  if (charCount(name) > MAX_NAME_CHARS)
    throw invalid(`a name is at most ${MAX_NAME_CHARS} characters`);
  if (name !== '') out.name = name;
  return out;
}

export function encodeMessage(message: ChatWireMessage): Uint8Array {
  const bytes = new TextEncoder().encode(JSON.stringify(validateMessage(message)));
  if (bytes.length > MAX_MESSAGE_BYTES) throw invalid('the message is too large');
  return bytes;
}

/** Parses one received object; throws INVALID_MESSAGE for anything but a valid message. */
export function decodeMessage(payload: Uint8Array): ChatWireMessage {
  if (payload.length > MAX_MESSAGE_BYTES) throw invalid('the message is too large');
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    throw invalid('the message is not UTF-8 JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('the message is not a JSON object');
  }
  const { text, name, sentAt } = value as Record<string, unknown>;
  if (typeof text !== 'string') throw invalid('text is not a string');
  if (name !== undefined && typeof name !== 'string') throw invalid('name is not a string');
  if (typeof sentAt !== 'number') throw invalid('sentAt is not a number');
  return validateMessage(name === undefined ? { text, sentAt } : { text, name, sentAt });
}

function invalid(why: string): ChatError {
  return new ChatError('INVALID_MESSAGE', why);
}

import { MAX_NAME_CHARS, MAX_TEXT_CHARS, type ReceivedChatMessage } from '../chat/index.js';
import { el, type Style } from './dom-element.js';

export interface ChatPanelActions {
  onSend: (text: string) => void;
  onName: (name: string) => void;
}

/** Messages kept on screen. */
const MAX_SHOWN = 200;

const FIELD: Style = {
  background: '#222',
  color: '#eee',
  border: '1px solid #444',
  borderRadius: '4px',
  padding: '6px 8px',
  font: '14px system-ui, sans-serif',
};

/**
 * The watch page's chat in plain DOM: the message list, a name field, the message input and
 * Send, and a status line (connection, rate limit). Everything from the network is set with
 * textContent: a message is text, whatever it contains.
 */
export class ChatPanel {
  readonly root: HTMLElement;
  readonly #list: HTMLOListElement;
  readonly #status: HTMLElement;
  readonly #input: HTMLInputElement;
  readonly #send: HTMLButtonElement;
  readonly #name: HTMLInputElement;
  #ready = false;
  #cooldownUntil = 0;
  #cooldownTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(container: HTMLElement, actions: ChatPanelActions, name = '') {
    this.root = el('section', 'moq-chat', {
      display: 'flex',
      flexDirection: 'column',
      gap: '8px',
      background: '#111',
      padding: '8px',
      borderRadius: '6px',
      minHeight: '320px',
    });
    this.root.setAttribute('aria-label', 'Chat');
    this.#list = el('ol', 'moq-chat-list', {
      listStyle: 'none',
      margin: '0',
      padding: '0',
      flex: '1',
      overflowY: 'auto',
      maxHeight: '420px',
      font: '14px/1.4 system-ui, sans-serif',
      overflowWrap: 'anywhere',
    });
    this.#list.setAttribute('aria-live', 'polite');
    this.#status = el('div', 'moq-chat-status', {
      font: '12px system-ui, sans-serif',
      color: '#aaa',
    });
    this.#name = el('input', 'moq-chat-name', FIELD);
    this.#name.placeholder = 'Your name (optional)';
    this.#name.maxLength = MAX_NAME_CHARS;
    this.#name.value = name;
    this.#name.setAttribute('aria-label', 'Your name');
    this.#name.addEventListener('change', () => actions.onName(this.#name.value));
    const form = el('form', 'moq-chat-form', { display: 'flex', gap: '6px' });
    this.#input = el('input', 'moq-chat-input', { ...FIELD, flex: '1', minWidth: '0' });
    this.#input.placeholder = 'Say something';
    this.#input.maxLength = MAX_TEXT_CHARS;
    this.#input.setAttribute('aria-label', 'Message');
    this.#send = el('button', 'moq-chat-send', { ...FIELD, cursor: 'pointer' });
    this.#send.type = 'submit';
    this.#send.textContent = 'Send';
    form.append(this.#input, this.#send);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      actions.onName(this.#name.value);
      actions.onSend(this.#input.value);
    });
    this.root.append(this.#list, this.#status, this.#name, form);
    container.append(this.root);
    this.#update();
  }

  add(message: ReceivedChatMessage, own: boolean): void {
    const item = el('li', 'moq-chat-message', { padding: '2px 0' });
    item.dataset.viewer = message.viewerId;
    const who = el('span', 'moq-chat-who', {
      fontWeight: '600',
      color: own ? '#9f9' : '#8cf',
      marginRight: '6px',
    });
    who.textContent = message.name ?? `viewer ${message.viewerId.slice(0, 4)}`;
    who.title = `${message.viewerId} · ${new Date(message.sentAt).toLocaleTimeString()}`;
    const text = el('span', 'moq-chat-text');
    text.textContent = message.text;
    item.append(who, text);
    const atBottom = this.#list.scrollTop + this.#list.clientHeight >= this.#list.scrollHeight - 8;
    this.#list.append(item);
    while (this.#list.childElementCount > MAX_SHOWN) this.#list.firstElementChild?.remove();
    if (atBottom) this.#list.scrollTop = this.#list.scrollHeight;
  }

  /** Connected (sending allowed) or not, with a line saying why. */
  setReady(ready: boolean, status: string): void {
    this.#ready = ready;
    this.setStatus(status);
    this.#update();
  }

  setStatus(text: string, isError = false): void {
    this.#status.textContent = text;
    this.#status.style.color = isError ? '#f88' : '#aaa';
  }

  /** The message went out: clear the input. */
  sent(): void {
    this.#input.value = '';
    this.setStatus('');
  }

  /** Rate limited: say so, and hold Send until the next message may go. */
  coolDown(waitMs: number, message: string): void {
    this.#cooldownUntil = Date.now() + waitMs;
    this.setStatus(message, true);
    clearTimeout(this.#cooldownTimer);
    this.#cooldownTimer = setTimeout(() => {
      this.setStatus('');
      this.#update();
    }, waitMs);
    this.#update();
  }

  #update(): void {
    this.#send.disabled = !this.#ready || Date.now() < this.#cooldownUntil;
  }
}

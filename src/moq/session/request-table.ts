import {
  type ControlMessage,
  type RequestError,
  type RequestErrorKind,
  type RequestOk,
  type TrackNamespace,
  FetchError,
  GroupOrder,
  PublishError,
  PublishNamespaceCancel,
  PublishNamespaceDone,
  PublishNamespaceError,
  PublishNamespaceOk,
  SubscribeError,
  SubscribeNamespaceError,
  SubscribeNamespaceOk,
  TrackStatusError,
  TrackStatusOk,
  fromDraft16ErrorCode,
  lowerFromParameters,
} from '../message/index.js';

type SentKind = RequestErrorKind | 'subscribe_update';

/**
 * Draft-16 answers requests with REQUEST_OK / REQUEST_ERROR and names a published namespace by
 * its Request ID in PUBLISH_NAMESPACE_DONE / CANCEL. The session speaks draft-14's shapes
 * (SUBSCRIBE_ERROR, PUBLISH_NAMESPACE_OK, namespaces): this table remembers what each request
 * was, so one control stream can translate in both directions and the rest stays version-free.
 */
export class RequestTable {
  /** Our open requests: Request ID → what we asked. */
  readonly #sent = new Map<number, SentKind>();
  /** Namespaces we announced (PUBLISH_NAMESPACE), by namespace key → our Request ID. */
  readonly #ourNamespaces = new Map<string, number>();
  /** Namespaces the peer announced: its Request ID → namespace, and back. */
  readonly #peerNamespaces = new Map<number, TrackNamespace>();
  readonly #peerNamespaceIds = new Map<string, number>();

  /** Notes a message we are about to send; fills in the Request ID draft-16 refers to. */
  outgoing(message: ControlMessage): ControlMessage {
    switch (message.kind) {
      case 'subscribe':
      case 'fetch':
      case 'track_status':
      case 'publish':
      case 'subscribe_namespace':
      case 'subscribe_update':
        this.#sent.set(message.requestId, message.kind);
        return message;
      case 'publish_namespace':
        this.#sent.set(message.requestId, 'publish_namespace');
        this.#ourNamespaces.set(key(message.trackNamespace), message.requestId);
        return message;
      case 'publish_namespace_done': {
        const requestId = this.#ourNamespaces.get(key(message.trackNamespace));
        this.#ourNamespaces.delete(key(message.trackNamespace));
        return new PublishNamespaceDone({ trackNamespace: message.trackNamespace, requestId });
      }
      case 'publish_namespace_cancel': {
        const requestId = this.#peerNamespaceIds.get(key(message.trackNamespace));
        return new PublishNamespaceCancel({ ...message, requestId });
      }
      default:
        return message;
    }
  }

  /** The draft-14 shape of a message the peer sent; undefined when nothing is left to handle. */
  incoming(message: ControlMessage): ControlMessage | undefined {
    switch (message.kind) {
      case 'request_error':
        return this.#error(message);
      case 'request_ok':
        return this.#ok(message);
      case 'subscribe_ok':
      case 'fetch_ok':
        this.#sent.delete(message.requestId);
        return message;
      case 'publish_namespace':
        this.#peerNamespaces.set(message.requestId, message.trackNamespace);
        this.#peerNamespaceIds.set(key(message.trackNamespace), message.requestId);
        return message;
      case 'publish_namespace_done':
        return this.#peerNamespaceDone(message);
      case 'publish_namespace_cancel':
        return this.#cancelOfOurs(message);
      default:
        return message;
    }
  }

  #error(message: RequestError): ControlMessage | undefined {
    const kind = this.#sent.get(message.requestId);
    this.#sent.delete(message.requestId);
    // An answer to nothing we asked (or to an update we need no answer for) is dropped.
    if (kind === undefined || kind === 'subscribe_update') return undefined;
    const fields = {
      requestId: message.requestId,
      errorCode: fromDraft16ErrorCode(kind, message.errorCode),
      reasonPhrase: message.reasonPhrase,
    };
    switch (kind) {
      case 'subscribe':
        return new SubscribeError(fields);
      case 'fetch':
        return new FetchError(fields);
      case 'track_status':
        return new TrackStatusError(fields);
      case 'publish':
        return new PublishError(fields);
      case 'publish_namespace':
        return new PublishNamespaceError(fields);
      case 'subscribe_namespace':
        return new SubscribeNamespaceError(fields);
    }
  }

  #ok(message: RequestOk): ControlMessage | undefined {
    const kind = this.#sent.get(message.requestId);
    this.#sent.delete(message.requestId);
    const requestId = message.requestId;
    switch (kind) {
      case 'publish_namespace':
        return new PublishNamespaceOk({ requestId });
      case 'subscribe_namespace':
        return new SubscribeNamespaceOk({ requestId });
      case 'track_status': {
        const lifted = lowerFromParameters(message.parameters);
        return new TrackStatusOk({
          requestId,
          trackAlias: 0,
          expiresMs: lifted.expiresMs ?? 0,
          groupOrder: GroupOrder.Ascending,
          largestLocation: lifted.largestLocation,
          parameters: lifted.rest,
        });
      }
      default:
        return undefined;
    }
  }

  #peerNamespaceDone(message: PublishNamespaceDone): ControlMessage | undefined {
    if (message.requestId === undefined) return message;
    const namespace = this.#peerNamespaces.get(message.requestId);
    if (!namespace) return undefined;
    this.#peerNamespaces.delete(message.requestId);
    this.#peerNamespaceIds.delete(key(namespace));
    return new PublishNamespaceDone({ trackNamespace: namespace, requestId: message.requestId });
  }

  #cancelOfOurs(message: PublishNamespaceCancel): ControlMessage | undefined {
    if (message.requestId === undefined) return message;
    for (const [name, id] of this.#ourNamespaces) {
      if (id !== message.requestId) continue;
      this.#ourNamespaces.delete(name);
      return new PublishNamespaceCancel({
        ...message,
        trackNamespace: JSON.parse(name) as string[],
      });
    }
    return undefined;
  }
}

function key(namespace: TrackNamespace): string {
  return JSON.stringify(namespace);
}

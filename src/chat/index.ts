export { ChatError, type ChatErrorCode } from './chat-error.js';
export {
  CHAT_NAMESPACE_PART,
  CHAT_TRACK,
  MAX_MESSAGE_BYTES,
  MAX_NAME_CHARS,
  MAX_TEXT_CHARS,
  broadcastParts,
  chatNamespace,
  chatPrefix,
  cleanText,
  decodeMessage,
  encodeMessage,
  isChatNamespace,
  isViewerId,
  randomViewerId,
  validateMessage,
  type ChatWireMessage,
} from './chat-message.js';
export { ChatPublisher, SEND_LIMIT, type ChatPublisherOptions } from './chat-publisher.js';
export {
  ChatRoom,
  MAX_VIEWERS,
  RECEIVE_LIMIT,
  type ChatRoomCounters,
  type ChatRoomOptions,
  type ReceivedChatMessage,
} from './chat-room.js';
export { TokenBucket, type RateLimit } from './rate-limit.js';
export { SeenMessages } from './seen-messages.js';

export { MoqError, type MoqErrorScope } from './moq-error.js';
export {
  DataStreamResetCode,
  FetchErrorCode,
  PublishDoneCode,
  PublishErrorCode,
  PublishNamespaceErrorCode,
  SessionCloseCode,
  SubscribeErrorCode,
  SubscribeNamespaceErrorCode,
  TrackStatusErrorCode,
  codeName,
  type CodeTable,
} from './codes.js';

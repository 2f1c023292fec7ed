export { createClient } from './create-client'
export { bindButton, bindStatus } from './ui'
export { SsekitError, isSsekitError } from './errors'
export { version } from './version'
export type { ErrorCode, ErrorDetails } from './errors'
export type { EventSourceLike } from './transports/types'
export type {
  Client,
  ClientOptions,
  ConnectionState,
  ConnectionStatus,
  DecodeFunction,
  DecodeOption,
  EventHandler,
  EventMap,
  HeadersOption,
  MessageMeta,
  RetryContext,
  RetryDecision,
  RetryOptions,
  TransportKind,
  Unsubscribe,
} from './types'
export type { BindButtonOptions, BindStatusOptions, BindableClient, StatusText } from './ui'

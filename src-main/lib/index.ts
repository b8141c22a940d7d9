/**
 * `tunneldesk` as a library: a source proxy, a destination proxy and a local tunnel
 * service, typed. Everything exported here is the public API, covered by semver (see the
 * README's "Library" section); anything reached by a deeper path is not.
 */
export { startSourceProxy, SourceProxyHandle, type SourceProxyOptions } from './source.js';
export {
  startDestinationProxy,
  DestinationProxyHandle,
  type DestinationProxyOptions,
} from './destination.js';
export {
  startTunnelService,
  TunnelService,
  type TunnelServiceStartOptions,
  type TunnelSpec,
} from './service.js';
export {
  ProxyHandle,
  type CloseCause,
  type CommonProxyOptions,
  type ConnectionEvent,
  type ConnectionSnapshot,
  type ListenerInfo,
  type LogLevelName,
  type LogRecord,
  type ProtocolVersion,
  type ProxyEventMap,
  type TunnelSnapshot,
  type TunnelState,
} from './proxy-handle.js';
export { ConfigError } from '../core/config/proxy-config.js';

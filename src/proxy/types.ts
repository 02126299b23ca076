/** Toxiproxy 2.12.0 wire shapes, shared by the engine, the HTTP API and the client. */

export type StreamDirection = 'upstream' | 'downstream';

export type ToxicType =
  | 'latency'
  | 'bandwidth'
  | 'slow_close'
  | 'timeout'
  | 'reset_peer'
  | 'slicer'
  | 'limit_data'
  | 'noop';

export interface ToxicInfo {
  attributes: Record<string, number>;
  name: string;
  type: string;
  stream: string;
  toxicity: number;
}

export interface ToxicInput {
  type: ToxicType | (string & {});
  /** Default `<type>_<stream>`. */
  name?: string;
  /** Default `downstream` (server to client). */
  stream?: StreamDirection | (string & {});
  /** 0..1, default 1. */
  toxicity?: number;
  attributes?: Record<string, number>;
}

/**
 * One toxicity decision: whether a toxic with toxicity < 1 applies to one
 * direction of one connection. Rolled from the seeded stream of (proxy,
 * connection index, direction, toxic, revision), so a seed repeats it.
 */
export interface ToxicityRoll {
  proxy: string;
  toxic: string;
  /** Changes on every add or update of a toxic (each is a new roll). */
  revision: number;
  /** Accept order within the proxy. */
  connection: number;
  stream: StreamDirection;
  toxicity: number;
  applied: boolean;
}

export interface ToxicPatch {
  attributes?: Record<string, number>;
  toxicity?: number;
}

export interface ProxyInfo {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: ToxicInfo[];
}

export interface ProxyInput {
  name: string;
  /** host:port; port 0 picks a free port (the answer shows the real one). */
  listen?: string;
  upstream: string;
  /** Default true. */
  enabled?: boolean;
}

export interface ProxyPatch {
  listen?: string;
  upstream?: string;
  enabled?: boolean;
}

/** Byte counters of one direction: read from the source, written to the destination. */
export interface DirectionStats {
  receivedBytes: number;
  sentBytes: number;
}

export interface ProxyStats {
  name: string;
  listen: string;
  upstream: string;
  upstreamBytes: DirectionStats;
  downstreamBytes: DirectionStats;
  connectionsOpen: number;
  connectionsTotal: number;
}

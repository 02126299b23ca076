/**
 * A mock third-party API after loading: what `loadMockApiFile()` returns and
 * `startMockApi()` runs. YAML keys are snake_case (fixtures/apis/README.md);
 * these are their camelCase twins with units in the names.
 */

export type LatencySpec =
  | { distribution: 'fixed'; ms: number }
  | { distribution: 'uniform'; minMs: number; maxMs: number }
  | { distribution: 'normal'; meanMs: number; stddevMs: number; capMs: number | null }
  | { distribution: 'lognormal'; medianMs: number; sigma: number; capMs: number | null };

/** A JSON-like value whose strings may hold `{{params.id}}` style placeholders. */
export type TemplateValue = null | boolean | number | string | TemplateValue[] | { [key: string]: TemplateValue };

/** A body as written in the fixture: JSON (any YAML value) or text. */
export type BodySpec = { kind: 'json'; value: TemplateValue } | { kind: 'text'; value: string } | { kind: 'none' };

/** A value rule in `when`: a plain value means equality. */
export type MatchRule =
  | { op: 'equals'; value: string | number | boolean | null }
  | { op: 'contains'; value: string }
  | { op: 'matches'; regex: RegExp }
  | { op: 'exists'; value: boolean };

export interface WhenSpec {
  headers: Record<string, MatchRule>;
  query: Record<string, MatchRule>;
  params: Record<string, MatchRule>;
  /** Dotted paths into the JSON body (`messages.0.role`). */
  body: Record<string, MatchRule>;
}

export interface StreamSpec {
  /** The body is split into this many pieces... */
  chunks: number;
  /** ...sent evenly over this long. */
  durationMs: number;
}

export type GeneratorName = 'openai_chat' | 'openai_models';

export interface ResponseSpec {
  /** `responses[i]`, the rule named in the journal. */
  id: string;
  when: WhenSpec | null;
  weight: number;
  status: number;
  headers: Record<string, string>;
  body: BodySpec;
  /** Overrides the content type implied by the body. */
  contentType: string | null;
  stream: StreamSpec | null;
  /** A built-in response builder (OpenAI chat completions, model list). */
  generator: GeneratorName | null;
  /** Text template for the assistant's reply (`openai_chat`). */
  reply: string | null;
}

export type SelectMode = 'first_match' | 'sequence' | 'random';

export interface RouteSpec {
  name: string;
  method: string;
  /** `/tickets/:id`, `/files/*rest`. */
  path: string;
  select: SelectMode;
  responses: ResponseSpec[];
  latency: LatencySpec | null;
  faults: FaultSpec[];
}

export type RateLimitAlgorithm = 'fixed_window' | 'sliding_window' | 'token_bucket' | 'concurrency' | 'quota';
export type RateLimitScope = 'global' | 'api_key' | 'client';
/** `standard`: Retry-After + X-RateLimit-*; `openai`: x-ratelimit-*-requests/tokens; `none`: an undocumented limit. */
export type RateLimitHeaders = 'standard' | 'openai' | 'none';

export interface RateLimitSpec {
  name: string;
  algorithm: RateLimitAlgorithm;
  /** Requests (or tokens) per window, bucket capacity, max in flight, or quota. */
  limit: number;
  /** fixed_window / sliding_window. */
  windowMs: number;
  /** token_bucket: tokens added per second. */
  refillPerSecond: number;
  /** quota: calendar period in UTC. */
  period: 'day' | 'month';
  /** What one request costs: 1, or its estimated LLM tokens. */
  cost: 'requests' | 'tokens';
  scope: RateLimitScope;
  /** Header holding the key for scope `api_key`. */
  keyHeader: string;
  /** Route names it applies to; empty = every route. */
  routes: string[];
  headers: RateLimitHeaders;
  status: number;
  body: BodySpec;
}

export type FaultKind =
  | 'error'
  | 'empty_reply'
  | 'reset_mid_body'
  | 'malformed_json'
  | 'truncated_stream'
  | 'slow_first_byte';

export type FaultTrigger =
  | { on: 'always' }
  | { on: 'fraction'; fraction: number }
  | { on: 'every_nth'; n: number }
  | { on: 'first_n'; n: number }
  /** Relative to when the mock started. */
  | { on: 'window'; startAfterMs: number; durationMs: number };

export interface FaultSpec {
  id: string;
  kind: FaultKind;
  trigger: FaultTrigger;
  /** `error`. */
  status: number;
  body: BodySpec;
  /** `slow_first_byte`. */
  delayMs: number;
}

export interface ApiKeySpec {
  header: string;
  /** `bearer`: the header reads `Bearer <key>`. */
  scheme: 'bearer' | 'none';
  /** Accepted keys; null accepts any non-empty key. */
  keys: string[] | null;
  status: number;
  body: BodySpec;
}

export interface MockApiDefinition {
  /** Absolute path of the fixture, or `<inline>`. */
  file: string;
  name: string;
  description: string;
  apiKey: ApiKeySpec | null;
  /** Lower-case header names masked in the journal (with Authorization and the key header). */
  secretHeaders: string[];
  latency: LatencySpec | null;
  rateLimits: RateLimitSpec[];
  faults: FaultSpec[];
  routes: RouteSpec[];
  journalSize: number;
}

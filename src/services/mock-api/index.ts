/** Mock third-party HTTP APIs: fixtures, rate limits, quotas, HTTP faults, live control. */
export { loadMockApiFile, parseMockApi } from './fixture/load-fixture.ts';
export { startMockApi, RunningMockApi, type StartMockApiOptions, type OutageSetting } from './mock-api.ts';
export type { RateLimitUpdate } from './live-rate-limit.ts';
export type { MockApiCounters, RouteCounters } from './counters.ts';
export type { JournalEntry } from './journal.ts';
export type { MockApiEventMap, MockApiEventName, RateLimitedEvent, FaultEvent } from './events.ts';
export type * from './types.ts';

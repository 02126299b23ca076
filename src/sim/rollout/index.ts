export { RolloutController, type RolloutHandle } from './controller.ts';
export { describeRolloutEvent, versionsText, type RolloutEvent } from './events.ts';
export type * from './types.ts';

export { loadIncidentFile, loadIncidentFromText, type LoadIncidentOptions } from './load-incident.ts';
export { runIncident, type RunIncidentOptions, type Progress } from './run-incident.ts';
export { writeReport } from './write-report.ts';
export { withoutTimings, type Journal, type ObjectiveResult } from './journal.ts';
export { parseObjective, evaluate, type Objective, type Measured } from './objective.ts';
export type { Incident } from './types.ts';

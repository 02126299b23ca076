/** The agentup library: start a simulation from code or tests and drive it. */
export { startSimulation, Simulation, type StartSimulationOptions } from './sim/simulation.ts';
export { connectSimulation, type ConnectOptions } from './sim/remote/connect.ts';
export type { RemoteSimulation } from './sim/remote/remote-simulation.ts';
export type { SimulationApi, Awaitable, ApiControlApi, DependencyFaultsApi, ReplicaControlApi, ReplicaInfo, SimulationEventMap } from './sim/simulation-api.ts';
export type { ControlServerOptions } from './sim/control/server.ts';
export { describeEvent, type SimEvent, type SimEventType } from './sim/events.ts';
export type { RolloutHandle, RolloutOptions, RolloutResult, RolloutStatus, RolloutSecond, RolloutStepRecord, AnalysisResult, AnalysisCheck, VersionFigures, RolloutEvent } from './sim/rollout/index.ts';
export type { Endpoints, DependencyEndpoint } from './runtime/types.ts';
export { loadEnvironmentFile, loadEnvironmentFromObject } from './config/load.ts';
export type { Environment } from './config/types.ts';
export { AgentupError, BugError } from './errors.ts';
export { ConfigError, formatDiagnostic, type Diagnostic } from './config/diagnostics.ts';
export { DependencyFaults, type FaultHandle, type ToxicOptions } from './sim/dependency-faults.ts';
export { ToxiproxyClient } from './proxy/client.ts';
export { startFaultProxy, type FaultProxyServer, type FaultProxyOptions } from './proxy/server.ts';

/** The environment `agentup up`, `sim` and `load` use when none is given. */
export const DEFAULT_ENVIRONMENT = 'environments/support-agent.yaml';

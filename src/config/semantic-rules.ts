import type { Problem } from './problems.ts';
import {
  envFileSyntax,
  pathsExist,
  portClashes,
  postgresUsers,
  references,
  secretsAreSet,
} from './rules-resources.ts';
import {
  backoffOrder,
  dependencyCycles,
  dependsOnTargets,
  loadBalancerService,
  portEnvClash,
  reservedServiceNames,
  serviceVersions,
} from './rules-services.ts';
import {
  dependencyNameClashes,
  faultProxySettings,
  faultTargets,
  toxicAttributes,
  toxicNames,
  upstreamAddresses,
} from './rules-proxy.ts';
import { buildOrImage, serviceRunsSomething } from './rules-docker.ts';
import type { LoadContext } from './semantic-context.ts';

/**
 * Checks that need more than one value at a time, run after the schema.
 * Each rule reads the raw document defensively: parts that failed the schema
 * are skipped, since they already have a message.
 */
export const SEMANTIC_RULES: ReadonlyArray<{ path: string; rule: string; check: (ctx: LoadContext) => Problem[] }> = [
  { path: 'services.<name>', rule: 'not a built-in name', check: reservedServiceNames },
  { path: 'services.<name>.depends_on', rule: 'names a service, an api, an upstream, or a present redis/postgres', check: dependsOnTargets },
  { path: 'services.<name>.depends_on', rule: 'no dependency cycle', check: dependencyCycles },
  { path: 'services.<name>.env', rule: 'does not set the port_env variable', check: portEnvClash },
  { path: 'services.<name>.restart.backoff', rule: 'initial <= max', check: backoffOrder },
  { path: 'services.<name>.env_file', rule: 'KEY=VALUE lines', check: envFileSyntax },
  { path: 'services.<name>.secrets', rule: 'each key is set by env or env_file', check: secretsAreSet },
  { path: '<cwd, env_file, init_sql, apis.<name>.fixture>', rule: 'exists', check: pathsExist },
  { path: '<any port>', rule: 'fixed ports differ', check: portClashes },
  { path: '<any ${...} value>', rule: 'known, present, resolvable references', check: references },
  { path: 'postgres.users.<n>.name', rule: 'unique, not postgres', check: postgresUsers },
  { path: 'load_balancer.service', rule: 'a known service; required with several', check: loadBalancerService },
  { path: 'services.<name>.<canary, versions>', rule: 'one of them, two versions, behind the load balancer', check: serviceVersions },
  { path: 'fault_proxy.url', rule: 'http on this machine; not with port or engine agentup', check: faultProxySettings },
  { path: 'upstreams.<name>.address', rule: 'host:port on this machine', check: upstreamAddresses },
  { path: '<apis, upstreams>.<name>', rule: 'unique across services, apis and upstreams; not built-in', check: dependencyNameClashes },
  { path: 'faults.<proxy>', rule: 'names redis/postgres when present, an upstream or an api', check: faultTargets },
  { path: 'faults.<proxy>.<n>.attributes', rule: "the type's attributes only", check: toxicAttributes },
  { path: 'faults.<proxy>.<n>.name', rule: 'unique per proxy (default <type>_<stream>)', check: toxicNames },
  { path: 'services.<name>', rule: 'has command, build or image', check: serviceRunsSomething },
  { path: 'services.<name>.<build, image>', rule: 'not both; the Dockerfile exists', check: buildOrImage },
];

export function runSemanticRules(ctx: LoadContext): Problem[] {
  return SEMANTIC_RULES.flatMap((r) => r.check(ctx));
}

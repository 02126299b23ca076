import type { RouteSpec } from './types.ts';

export type RouteMatch =
  | { kind: 'found'; route: RouteSpec; index: number; params: Record<string, string> }
  | { kind: 'wrong_method'; allowed: string[] }
  | { kind: 'none' };

const NO_PARAMS: Record<string, string> = Object.freeze({}) as Record<string, string>;

interface Pattern {
  regex: RegExp;
  names: string[];
  byMethod: Map<string, number>;
}

/**
 * Compiled once per mock: static paths are one Map lookup, parameterised paths
 * one precompiled regex each (tried in fixture order).
 */
export class RouteTable {
  private readonly exact = new Map<string, Map<string, number>>();
  private readonly patterns: Pattern[] = [];

  constructor(readonly routes: readonly RouteSpec[]) {
    const byPattern = new Map<string, Pattern>();
    routes.forEach((route, i) => {
      if (!route.path.includes(':') && !route.path.includes('*')) {
        const methods = this.exact.get(route.path) ?? new Map<string, number>();
        if (!methods.has(route.method)) methods.set(route.method, i);
        this.exact.set(route.path, methods);
        return;
      }
      let pattern = byPattern.get(route.path);
      if (!pattern) {
        pattern = compilePattern(route.path);
        byPattern.set(route.path, pattern);
        this.patterns.push(pattern);
      }
      if (!pattern.byMethod.has(route.method)) pattern.byMethod.set(route.method, i);
    });
  }

  match(method: string, path: string): RouteMatch {
    const methods = this.exact.get(path);
    if (methods) {
      const i = methods.get(method) ?? (method === 'HEAD' ? methods.get('GET') : undefined);
      if (i !== undefined) return { kind: 'found', route: this.routes[i]!, index: i, params: NO_PARAMS };
    }
    let allowed: string[] | null = methods ? [...methods.keys()] : null;
    for (const p of this.patterns) {
      const m = p.regex.exec(path);
      if (!m) continue;
      const i = p.byMethod.get(method) ?? (method === 'HEAD' ? p.byMethod.get('GET') : undefined);
      if (i === undefined) {
        allowed = [...(allowed ?? []), ...p.byMethod.keys()];
        continue;
      }
      const params: Record<string, string> = {};
      p.names.forEach((name, k) => (params[name] = safeDecode(m[k + 1]!)));
      return { kind: 'found', route: this.routes[i]!, index: i, params };
    }
    return allowed ? { kind: 'wrong_method', allowed: [...new Set(allowed)] } : { kind: 'none' };
  }

  /** `GET /tickets/:id` lines for the 404 body. */
  describe(): string[] {
    return this.routes.map((r) => `${r.method} ${r.path}`);
  }
}

function compilePattern(path: string): Pattern {
  const names: string[] = [];
  const source = path
    .split('/')
    .map((seg) => {
      if (seg.startsWith(':')) {
        names.push(seg.slice(1));
        return '([^/]+)';
      }
      if (seg.startsWith('*')) {
        names.push(seg.slice(1));
        return '(.*)';
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { regex: new RegExp(`^${source}/?$`), names, byMethod: new Map() };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

import { BugError } from '../errors.ts';

/**
 * Groups components into waves: every component's dependencies are in an
 * earlier wave, so a runtime may start each wave's members in parallel.
 */
export function startWaves(nodes: ReadonlyArray<{ id: string; dependsOn: readonly string[] }>): string[][] {
  const remaining = new Map(nodes.map((n) => [n.id, new Set(n.dependsOn)]));
  const waves: string[][] = [];
  while (remaining.size > 0) {
    const ready = [...remaining].filter(([, deps]) => deps.size === 0).map(([id]) => id);
    if (ready.length === 0) {
      // Cycles are a config error reported by the loader; one here is a bug.
      throw new BugError(`dependency cycle among ${[...remaining.keys()].join(', ')}`);
    }
    waves.push(ready.sort());
    for (const id of ready) remaining.delete(id);
    for (const deps of remaining.values()) for (const id of ready) deps.delete(id);
  }
  return waves;
}

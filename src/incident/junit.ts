import type { Journal } from './journal.ts';

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * JUnit XML with one test case per objective, so CI systems list each
 * verdict; the class name groups them by scope (overall, phase, expect, probe).
 * A replay that could not run is one errored case.
 */
export function junitXml(journal: Journal): string {
  const suite = xml(`incident ${journal.incident.name}`);
  const seconds = ((journal.endedAt - journal.startedAt) / 1000).toFixed(3);
  const failures = journal.objectives.filter((o) => !o.passed).length;
  const cases = journal.objectives.map((o) => {
    const head = `    <testcase classname="${xml(`${journal.incident.name}.${o.scope}`)}" name="${xml(o.id)}" time="0">`;
    if (o.passed) return `${head}\n      <system-out>${xml(o.detail)}</system-out>\n    </testcase>`;
    return `${head}\n      <failure message="${xml(`${o.text}: ${o.detail}`)}" type="objective">${xml(`${o.id}\n${o.detail}`)}</failure>\n    </testcase>`;
  });
  if (journal.outcome === 'error') {
    cases.push(`    <testcase classname="${xml(journal.incident.name)}" name="replay" time="0">\n      <error message="${xml(journal.error ?? 'the replay failed')}" type="error"/>\n    </testcase>`);
  }
  const errors = journal.outcome === 'error' ? 1 : 0;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="agentup run" tests="${cases.length}" failures="${failures}" errors="${errors}" time="${seconds}">`,
    `  <testsuite name="${suite}" tests="${cases.length}" failures="${failures}" errors="${errors}" time="${seconds}" timestamp="${new Date(journal.startedAt).toISOString()}">`,
    `    <properties>\n      <property name="seed" value="${journal.incident.seed}"/>\n      <property name="time_scale" value="${journal.incident.timeScale}"/>\n      <property name="environment" value="${xml(journal.incident.environment)}"/>\n    </properties>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

import { REPO_ROOT } from '../support/agentup-cli.ts';

/** Two replicas of the hello fixture behind the load balancer: quick to start, and it can be slow or fail on demand. */
export const HELLO_ENV = {
  name: 'hello',
  services: {
    web: {
      command: ['node', `${REPO_ROOT}/fixtures/services/hello.js`],
      replicas: 2,
      health_check: { path: '/healthz', interval: '200ms', timeout: '500ms', retries: 2 },
      restart: { policy: 'always', backoff: { initial: '100ms', max: '1s', multiplier: 2 } },
    },
  },
};

/** The message a failed assertion throws, or a marker when it passed. */
export function failureOf(assertion: () => void): string {
  try {
    assertion();
  } catch (err) {
    return (err as Error).message;
  }
  return '(the assertion passed)';
}

export async function asyncFailureOf(assertion: () => Promise<void>): Promise<string> {
  try {
    await assertion();
  } catch (err) {
    return (err as Error).message;
  }
  return '(the assertion passed)';
}

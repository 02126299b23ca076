import { reportError } from './report-error.ts';

interface Stoppable {
  stop(reason?: string): Promise<void>;
}

/**
 * Runs a long-lived command: starts it, reports readiness, then waits for
 * Ctrl-C / SIGTERM and stops everything. A second Ctrl-C exits at once (the
 * reaper still cleans up). A crash of agentup itself stops the simulation first.
 */
export async function runUntilSignal<T extends Stoppable>(options: { start: () => Promise<T>; ready: (running: T) => void }): Promise<number> {
  let running: T | null = null;
  let signalled: NodeJS.Signals | null = null;
  let wake: (() => void) | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      process.stderr.write('second interrupt: exiting now; the reaper removes what is left\n');
      process.exit(130);
    }
    signalled = signal;
    wake?.();
  };
  const onCrash = (err: unknown) => {
    process.exitCode = reportError(err);
    void (running?.stop('agentup crashed') ?? Promise.resolve()).finally(() => process.exit(process.exitCode ?? 70));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  try {
    running = await options.start();
    if (!signalled) {
      options.ready(running);
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    await running.stop(signalled ? `received ${signalled}` : 'stopped');
    return 0;
  } catch (err) {
    await running?.stop('error');
    return reportError(err);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  }
}

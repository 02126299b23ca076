import path from 'node:path';
import { render } from 'ink';
import type { Simulation, StartSimulationOptions } from '../../sim/simulation.ts';
import { reportError } from '../report-error.ts';
import { App } from './components/App.tsx';
import { SimController } from './controller.ts';
import { timestamped } from './plain-log.ts';
import { SimSession } from './sim-session.ts';

const ALT_SCREEN_ON = '\x1b[?1049h\x1b[H';
const ALT_SCREEN_OFF = '\x1b[?1049l';

/**
 * The full-screen UI: draws at once (start-up is on screen), starts the
 * simulation, hands it to the screen, and on q / Ctrl-C / SIGTERM stops
 * everything before it gives the terminal back. A second interrupt exits at
 * once; the reaper removes what is left.
 */
export async function runTui(file: string, options: StartSimulationOptions, io: { stdout?: NodeJS.WriteStream; stdin?: NodeJS.ReadStream } = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stdin = io.stdin ?? process.stdin;
  const session = new SimSession();
  let quitting = false;
  let wake: () => void = () => {};
  const quitRequested = new Promise<void>((resolve) => (wake = resolve));
  const quit = () => {
    if (quitting) {
      stdout.write(ALT_SCREEN_OFF);
      process.stderr.write('second interrupt: exiting now; the reaper removes what is left\n');
      process.exit(130);
    }
    quitting = true;
    session.notify({ text: 'stopping every part…', level: 'info' });
    wake();
  };
  const onSignal = () => quit();
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  stdout.write(ALT_SCREEN_ON);
  const app = (control: SimController | null) => <App session={session} control={control} onQuit={quit} />;
  const ink = render(app(null), { stdout, stdin, exitOnCtrlC: false, patchConsole: true, incrementalRendering: false, maxFps: 10 });
  let sim: Simulation | null = null;
  const restore = () => {
    ink.unmount();
    stdout.write(ALT_SCREEN_OFF);
    for (const s of signals) process.off(s, onSignal);
  };
  try {
    const { startSimulation } = await import('../../sim/simulation.ts');
    sim = await startSimulation(file, { ...options, onEvent: session.event, onLog: session.log });
    session.attach(sim);
    const running = sim;
    if (!quitting) ink.rerender(app(new SimController(sim, session.notify, { runIncident: (f) => playIncident(f, running, session.notify) })));
    await quitRequested;
    await sim.stop('quit from the terminal UI');
    session.flush();
    restore();
    const last = sim.events().filter((e) => e.type === 'simulation_stopped' || e.type === 'simulation_stopping');
    process.stdout.write(`${last.map(timestamped).join('\n')}\n`);
    return 0;
  } catch (err) {
    await sim?.stop('error').catch(() => {});
    restore();
    // The screen is gone with the alternate buffer: print what happened before the error.
    const events = sim?.events() ?? [];
    if (events.length) process.stderr.write(`${events.slice(-15).map(timestamped).join('\n')}\n`);
    return reportError(err);
  } finally {
    session.close();
  }
}

/**
 * Plays an incident file's timeline on the simulation on screen (its faults,
 * load and checkpoints show up live) and writes its report, like `agentup run`.
 */
async function playIncident(file: string, sim: Simulation, notify: SimController['notify']): Promise<void> {
  const { loadIncidentFile, runIncident, writeReport } = await import('../../incident/index.ts');
  const { incident } = await loadIncidentFile(file);
  const differs = path.resolve(incident.environment) !== path.resolve(sim.environment.file);
  notify({ text: `playing ${incident.name} (${Math.round(incident.totalMs / 1000)}s)${differs ? ` on ${sim.name}, not its own environment` : ''}`, level: 'info' });
  const journal = await runIncident(incident, { simulation: sim });
  const dir = path.join('agentup-reports', incident.name);
  await writeReport(dir, journal);
  const failed = journal.objectives.filter((o) => !o.passed).length;
  notify({ text: `${incident.name}: ${failed === 0 ? 'every objective held' : `${failed} of ${journal.objectives.length} objectives failed`}; report in ${dir}/`, level: failed === 0 ? 'info' : 'error' });
}

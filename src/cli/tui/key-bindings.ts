/** The one list of key bindings: the help overlay, the status line and the README show it. */
export const KEY_BINDINGS: Array<{ keys: string; action: string; short?: string }> = [
  { keys: 'f', action: 'fault menu: pick a target, a fault, edit its parameters, Enter applies', short: 'fault' },
  { keys: 'x', action: 'active faults: Enter or d removes the selected one', short: 'remove' },
  { keys: 'R', action: 'reset: remove every fault', short: 'reset' },
  { keys: 'l', action: 'start or change load (rate, path, method)', short: 'load' },
  { keys: '+ / -', action: 'double / halve the load rate' },
  { keys: 's', action: 'stop the load', short: 'stop' },
  { keys: '/', action: 'filter the log pane (text, replica or level)', short: 'filter' },
  { keys: 'i', action: 'run an incident file (arrives with `agentup run`)' },
  { keys: 'o', action: 'rollout: canary or blue/green to the other version (canary: or versions: in the environment)' },
  { keys: 'a / P', action: 'abort the rollout (all traffic back) / promote it now' },
  { keys: '?', action: 'this help', short: 'help' },
  { keys: 'q, Ctrl-C', action: 'quit: stop everything and exit', short: 'quit' },
  { keys: 'In menus', action: 'Up/Down (j/k) move, Enter or Right picks, Esc or Left goes back' },
  { keys: 'In forms', action: 'type to edit, Left/Right cycles choices, Up/Down moves, Enter applies' },
];

/** The status line's compact form: `f fault  x remove  ...`. */
export function shortBindings(): string {
  return KEY_BINDINGS.filter((b) => b.short).map((b) => `${b.keys.split(',')[0]} ${b.short}`).join('  ');
}

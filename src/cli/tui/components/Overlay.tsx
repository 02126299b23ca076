import { faultsFor } from '../fault-catalog.ts';
import type { ActiveFault } from '../state.ts';
import type { Overlay as OverlayState, UiContext } from '../ui.ts';
import { FormOverlay } from './FormOverlay.tsx';
import { HelpOverlay } from './HelpOverlay.tsx';
import { ListOverlay } from './ListOverlay.tsx';

const LIST_HINT = ' ↑/↓ move · Enter pick · Esc back';
const FORM_HINT = ' type to edit · ←/→ choices · ↑/↓ field · Enter apply · Esc back';

/** Whichever menu or form is open, drawn in place of the dashboard's panels. */
export function Overlay(props: { overlay: OverlayState; ctx: Pick<UiContext, 'targets'> & { faults: ActiveFault[] }; width: number; height: number }) {
  const { overlay, ctx, width, height } = props;
  const size = { width, height };
  switch (overlay.kind) {
    case 'none':
      return null;
    case 'help':
      return <HelpOverlay {...size} />;
    case 'targets':
      return <ListOverlay title="Fault menu: pick a target" items={ctx.targets.map((t) => `${t.name.padEnd(14)} ${t.kind}`)} cursor={overlay.cursor} hint={LIST_HINT} {...size} />;
    case 'faults':
      return <ListOverlay title={`Fault menu: ${overlay.target.name}`} items={faultsFor(overlay.target).map((f) => f.label)} cursor={overlay.cursor} hint={LIST_HINT} {...size} />;
    case 'params':
      return <FormOverlay title={`${overlay.spec.kind} on ${overlay.target.name}`} form={overlay.form} hint={FORM_HINT} {...size} />;
    case 'active':
      return <ListOverlay title="Active faults" items={ctx.faults.map((f) => `${f.target.padEnd(12)} ${f.description}`)} cursor={overlay.cursor} hint=" ↑/↓ move · Enter/d remove · R reset all · Esc close" empty="no active faults (f adds one)" {...size} />;
    case 'load':
      return <FormOverlay title="Load: start or change" form={overlay.form} hint={`${FORM_HINT} · POST sends a fresh support ticket each time`} {...size} />;
    case 'filter':
      return <FormOverlay title="Log filter" form={overlay.form} hint=" type a replica, level or text · Enter apply · Esc cancel" {...size} />;
    case 'incident':
      return <FormOverlay title="Run an incident file" form={overlay.form} hint=" incident files arrive with `agentup run`; Enter tries · Esc cancel" {...size} />;
    case 'rollout':
      return <FormOverlay title="Rollout to the other version" form={overlay.form} hint={`${FORM_HINT} · a aborts, P promotes while it runs`} {...size} />;
  }
}

import { Text } from 'ink';
import { fieldText, type FormState } from '../form.ts';
import { fit } from '../sparkline.ts';
import { color } from '../theme.ts';
import { Panel } from './Panel.tsx';

/** The parameters of a fault or of the load, each with its value; the selected one is being edited. */
export function FormOverlay(props: { title: string; form: FormState; hint: string; width: number; height: number }) {
  const { form, width, height } = props;
  const labelWidth = Math.min(Math.floor(width / 2), Math.max(...form.params.map((p) => p.label.length), 6) + 4);
  return (
    <Panel title={props.title} width={width} height={height} accent="cyan">
      {form.params.length === 0 && <Text>no parameters: Enter applies, Esc goes back</Text>}
      {form.params.map((p, i) => {
        const selected = i === form.cursor;
        const value = `${fieldText(form, i)}${p.unit ? ` ${p.unit}` : ''}${p.choices ? '  (←/→)' : ''}`;
        return (
          <Text key={p.key} wrap="truncate">
            <Text bold={selected}>{fit(`${selected ? '›' : ' '} ${p.label}`, labelWidth)}</Text>
            <Text inverse={selected}>{fit(value, Math.max(8, width - labelWidth - 4))}</Text>
          </Text>
        );
      })}
      {form.error && <Text color={color('red')} wrap="truncate">{`error: ${form.error}`}</Text>}
      <Text color={color('gray')} wrap="truncate">{props.hint}</Text>
    </Panel>
  );
}

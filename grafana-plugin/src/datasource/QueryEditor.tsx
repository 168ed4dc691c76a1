import React, { type ChangeEvent } from 'react';
import type { QueryEditorProps, SelectableValue } from '@grafana/data';
import { Combobox, type ComboboxOption, InlineField, InlineFieldRow, Input, RadioButtonGroup } from '@grafana/ui';
import { SECTIONS } from '../shared/sections';
import type { DataSource } from './datasource';
import { DEFAULT_QUERY, type KewhatsDataSourceOptions, type KewhatsQuery, type SectionId, type Shape } from './types';

type Props = QueryEditorProps<DataSource, KewhatsQuery, KewhatsDataSourceOptions>;

const SECTION_OPTIONS: Array<ComboboxOption<string>> = SECTIONS.map((section) => ({
  value: section.id,
  label: section.title,
  description: section.description,
}));

const SHAPE_OPTIONS: Array<SelectableValue<Shape>> = [
  { value: 'stats', label: 'Stats', description: 'One row: every figure of the section as a number field' },
  { value: 'breakdown', label: 'Breakdown', description: 'label/value rows of a count map, for pie and bar charts' },
];

/** Suggested `field` values per section and shape (free text is allowed, including variables). */
export const FIELD_HINTS: Record<SectionId, { stats: string; breakdown: string }> = {
  dashboard: { stats: 'e.g. messages, revenue.amount', breakdown: 'messages or apiTraffic' },
  users: { stats: 'e.g. total, byPlan', breakdown: 'byPlan (default) or byRole' },
  connections: { stats: 'e.g. connected', breakdown: 'empty: connected, disconnected, connecting' },
  integrations: { stats: 'e.g. byType', breakdown: 'byType (default)' },
  chatbots: { stats: 'e.g. activeSessions', breakdown: 'empty: active, activeSessions' },
  broadcasts: { stats: 'e.g. failed', breakdown: 'empty: pending, running, completed, failed' },
  contacts: { stats: 'e.g. withEmail', breakdown: 'empty: withEmail' },
  webhooks: { stats: 'e.g. active', breakdown: 'empty: active, inactive' },
};

export function QueryEditor({ query, onChange, onRunQuery }: Props) {
  const section = query.section ?? DEFAULT_QUERY.section!;
  const shape = query.shape ?? DEFAULT_QUERY.shape!;
  const hints = FIELD_HINTS[section as SectionId];

  const update = (patch: Partial<KewhatsQuery>) => {
    onChange({ ...query, section, shape, ...patch });
    onRunQuery();
  };

  return (
    <InlineFieldRow>
      <InlineField label="Section" labelWidth={10} tooltip="Monitoring API section: GET /api/monitoring/<section>">
        <Combobox<string>
          id={`kewhats-section-${query.refId}`}
          aria-label="Section"
          options={SECTION_OPTIONS}
          value={section}
          createCustomValue
          customValueDescription="Use a dashboard variable, e.g. $section"
          width={22}
          onChange={(option) => option && update({ section: option.value as SectionId })}
        />
      </InlineField>
      <InlineField label="Shape" labelWidth={8}>
        <RadioButtonGroup<Shape>
          aria-label="Shape"
          options={SHAPE_OPTIONS}
          value={shape}
          onChange={(value) => update({ shape: value })}
        />
      </InlineField>
      <InlineField
        label="Field"
        labelWidth={8}
        grow
        tooltip={
          shape === 'stats'
            ? 'Optional: keep only this figure or the figures under this key'
            : 'Count map to break down; empty uses the top-level counts except total'
        }
      >
        <Input
          id={`kewhats-field-${query.refId}`}
          aria-label="Field"
          value={query.field ?? ''}
          placeholder={hints ? hints[shape] : 'field'}
          onChange={(event: ChangeEvent<HTMLInputElement>) =>
            onChange({ ...query, section, shape, field: event.target.value })
          }
          onBlur={onRunQuery}
        />
      </InlineField>
    </InlineFieldRow>
  );
}

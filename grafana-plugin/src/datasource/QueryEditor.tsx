import React, { useEffect, useState } from 'react';
import type { QueryEditorProps, SelectableValue } from '@grafana/data';
import { Alert, Combobox, type ComboboxOption, InlineField, InlineFieldRow, RadioButtonGroup } from '@grafana/ui';
import { findSection, type Catalogue } from '../shared/catalogue';
import { isLanguage, userLanguage, type Label, type Language } from '../shared/language';
import type { DataSource } from './datasource';
import { DEFAULT_QUERY, type KewhatsDataSourceOptions, type KewhatsQuery, type Shape } from './types';

type Props = QueryEditorProps<DataSource, KewhatsQuery, KewhatsDataSourceOptions>;

const TEXT = {
  section: { id: 'Bagian', en: 'Section' },
  sectionTooltip: {
    id: 'Bagian API pemantauan: GET /api/monitoring/<bagian>',
    en: 'Monitoring API section: GET /api/monitoring/<section>',
  },
  variable: { id: 'Gunakan variabel dasbor, misalnya $section', en: 'Use a dashboard variable, e.g. $section' },
  shape: { id: 'Bentuk', en: 'Shape' },
  stats: { id: 'Angka', en: 'Stats' },
  statsDescription: {
    id: 'Satu baris: setiap angka bagian sebagai field angka',
    en: 'One row: every figure of the section as a number field',
  },
  breakdown: { id: 'Rincian', en: 'Breakdown' },
  breakdownDescription: {
    id: 'Baris label/nilai dari peta hitungan, untuk diagram lingkaran dan batang',
    en: 'label/value rows of a count map, for pie and bar charts',
  },
  field: { id: 'Field', en: 'Field' },
  fieldStats: {
    id: 'Opsional: hanya angka ini atau angka di bawah kunci ini',
    en: 'Optional: keep only this figure or the figures under this key',
  },
  fieldBreakdown: {
    id: 'Peta hitungan yang dirinci; kosong: rincian pertama bagian',
    en: 'Count map to break down; empty: the section’s first breakdown',
  },
  topLevel: { id: 'hitungan tingkat atas', en: 'top-level counts' },
  language: { id: 'Bahasa', en: 'Language' },
  languageTooltip: {
    id: 'Bahasa nama field; kosong: bahasa pengguna Grafana',
    en: 'Language of the field names; empty: the Grafana user’s',
  },
  userLanguage: { id: 'Pengguna', en: 'User’s' },
  catalogueFailed: { id: 'Katalog pemantauan tidak dapat dimuat', en: 'Cannot load the monitoring catalogue' },
} satisfies Record<string, Label>;

/** The section list, figures and breakdowns come from the exporter's catalogue; free text (variables) is allowed. */
export function QueryEditor({ query, onChange, onRunQuery, datasource }: Props) {
  const ui = userLanguage();
  const say = (label: Label) => label[ui];
  const [catalogue, setCatalogue] = useState<Catalogue>();
  const [catalogueError, setCatalogueError] = useState<string>();

  useEffect(() => {
    let cancelled = false;
    datasource.getCatalogue(ui).then(
      (loaded) => !cancelled && setCatalogue(loaded),
      (error: unknown) => !cancelled && setCatalogueError(error instanceof Error ? error.message : String(error))
    );
    return () => {
      cancelled = true;
    };
  }, [datasource, ui]);

  const shape = query.shape ?? DEFAULT_QUERY.shape!;
  const section = query.section ?? '';
  const language: Language = isLanguage(query.language) ? query.language : ui;
  const current = catalogue ? findSection(catalogue, section) : undefined;

  // A new query starts on the catalogue's first section.
  useEffect(() => {
    const first = catalogue?.sections[0];
    if (!query.section && first) {
      onChange({ ...query, section: first.name, shape });
      onRunQuery();
    }
  }, [catalogue, query, shape, onChange, onRunQuery]);

  const update = (patch: Partial<KewhatsQuery>) => {
    onChange({ ...query, section, shape, ...patch });
    onRunQuery();
  };

  const sectionOptions: Array<ComboboxOption<string>> = (catalogue?.sections ?? []).map((candidate) => ({
    value: candidate.name,
    label: candidate.title[language],
    description: candidate.description[language],
  }));
  const fieldOptions: Array<ComboboxOption<string>> =
    shape === 'stats'
      ? (current?.figures ?? []).map((figure) => ({
          value: figure.path,
          label: figure.label[language],
          description: figure.path,
        }))
      : (current?.breakdowns ?? []).map((breakdown) => ({
          value: breakdown.path,
          label: breakdown.label[language],
          description: breakdown.path || say(TEXT.topLevel),
        }));
  const shapeOptions: Array<SelectableValue<Shape>> = [
    { value: 'stats', label: say(TEXT.stats), description: say(TEXT.statsDescription) },
    { value: 'breakdown', label: say(TEXT.breakdown), description: say(TEXT.breakdownDescription) },
  ];
  const languageOptions: Array<SelectableValue<string>> = [
    { value: '', label: say(TEXT.userLanguage) },
    { value: 'id', label: 'Bahasa Indonesia' },
    { value: 'en', label: 'English' },
  ];

  return (
    <>
      {catalogueError ? (
        <Alert title={say(TEXT.catalogueFailed)} severity="error">
          {catalogueError}
        </Alert>
      ) : null}
      <InlineFieldRow>
        <InlineField label={say(TEXT.section)} labelWidth={10} tooltip={say(TEXT.sectionTooltip)}>
          <Combobox<string>
            id={`kewhats-section-${query.refId}`}
            aria-label={say(TEXT.section)}
            options={sectionOptions}
            value={section || null}
            createCustomValue
            customValueDescription={say(TEXT.variable)}
            width={24}
            onChange={(option) => option && update({ section: option.value, field: undefined })}
          />
        </InlineField>
        <InlineField label={say(TEXT.shape)} labelWidth={8}>
          <RadioButtonGroup<Shape>
            aria-label={say(TEXT.shape)}
            options={shapeOptions}
            value={shape}
            onChange={(value) => update({ shape: value, field: undefined })}
          />
        </InlineField>
        <InlineField
          label={say(TEXT.field)}
          labelWidth={8}
          grow
          tooltip={shape === 'stats' ? say(TEXT.fieldStats) : say(TEXT.fieldBreakdown)}
        >
          <Combobox<string>
            id={`kewhats-field-${query.refId}`}
            aria-label={say(TEXT.field)}
            options={fieldOptions}
            value={query.field ?? null}
            isClearable
            createCustomValue
            customValueDescription={say(TEXT.variable)}
            onChange={(option) => update({ field: option?.value || undefined })}
          />
        </InlineField>
        <InlineField label={say(TEXT.language)} labelWidth={10} tooltip={say(TEXT.languageTooltip)}>
          <RadioButtonGroup<string>
            aria-label={say(TEXT.language)}
            options={languageOptions}
            value={query.language ?? ''}
            onChange={(value) => update({ language: isLanguage(value) ? value : undefined })}
          />
        </InlineField>
      </InlineFieldRow>
    </>
  );
}

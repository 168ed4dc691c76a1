import { LANGUAGES, type Label } from '../sections/presentation.js';
import type { Section } from '../sections/section.js';

/** Route segments of the monitoring API that are not sections. */
export const RESERVED_SECTION_NAMES: readonly string[] = ['catalogue', 'stream'];

/** Every label of a section with where it sits, for messages that point at the missing words. */
export function sectionLabels(section: Section): Array<{ where: string; label: Label }> {
  const labels: Array<{ where: string; label: Label }> = [
    { where: 'title', label: section.title },
    { where: 'description', label: section.description },
  ];
  for (const figure of section.figures) {
    labels.push({ where: `figure ${figure.path} label`, label: figure.label });
    labels.push({ where: `figure ${figure.path} description`, label: figure.description });
  }
  for (const breakdown of section.breakdowns) {
    const name = `breakdown "${breakdown.path}"`;
    labels.push({ where: `${name} label`, label: breakdown.label }, { where: `${name} description`, label: breakdown.description });
    labels.push({ where: `${name} dimension`, label: breakdown.dimension });
    for (const value of breakdown.values) labels.push({ where: `${name} value ${value.key}`, label: value.label });
  }
  section.trends.forEach((trend, index) => {
    const name = `trend #${index + 1}`;
    labels.push({ where: `${name} label`, label: trend.label }, { where: `${name} description`, label: trend.description });
    trend.queries.forEach((query, queryIndex) => {
      if (typeof query.legend !== 'string') labels.push({ where: `${name} query #${queryIndex + 1} legend`, label: query.legend });
      for (const value of query.values ?? []) labels.push({ where: `${name} query #${queryIndex + 1} value ${value.key}`, label: value.label });
    });
  });
  for (const extra of section.extras ?? []) {
    for (const item of extra.exports) labels.push({ where: `${extra.kind} ${item.type} label`, label: item.label });
  }
  return labels;
}

function problemsOf(section: Section): string[] {
  const problems: string[] = [];
  const duplicates = (keys: readonly string[]) => keys.filter((key, index) => keys.indexOf(key) !== index);
  for (const { where, label } of sectionLabels(section)) {
    for (const language of LANGUAGES) {
      const text = (label as Partial<Label> | undefined)?.[language];
      if (typeof text !== 'string' || text.trim() === '') problems.push(`${where} has no "${language}" words`);
    }
  }
  if (!/^[a-z0-9-]+$/.test(section.icon)) problems.push(`icon "${section.icon}" is not a Grafana icon name`);
  if (!Number.isFinite(section.position)) problems.push('position is not a number');
  for (const path of duplicates(section.figures.map((figure) => figure.path))) problems.push(`figure ${path} is listed twice`);
  for (const path of duplicates(section.breakdowns.map((breakdown) => breakdown.path))) problems.push(`breakdown "${path}" is listed twice`);
  for (const breakdown of section.breakdowns) {
    for (const key of duplicates(breakdown.values.map((value) => value.key))) problems.push(`breakdown "${breakdown.path}" lists ${key} twice`);
  }
  for (const path of section.timeRange?.figures ?? []) {
    if (!section.figures.some((figure) => figure.path === path)) problems.push(`the time range names ${path}, which is no figure`);
  }
  return problems;
}

/**
 * Refuses sections the views could not show: a name that is no URL segment or is taken, two
 * sections at one position, a label without words in one of the languages, a figure listed twice.
 * Throws one error naming every problem.
 */
export function checkSections(sections: readonly Section[]): void {
  const problems: string[] = [];
  const seenNames = new Set<string>();
  const seenPositions = new Map<number, string>();
  for (const section of sections) {
    const name = section.name;
    if (!/^[a-z][a-z0-9-]*$/.test(name)) problems.push(`section "${name}": the name must be lower-case letters, digits and dashes`);
    if (RESERVED_SECTION_NAMES.includes(name)) problems.push(`section "${name}": the name is taken by /api/monitoring/${name}`);
    if (seenNames.has(name)) problems.push(`section "${name}" is defined twice`);
    seenNames.add(name);
    const other = seenPositions.get(section.position);
    if (other !== undefined) problems.push(`sections "${other}" and "${name}" share position ${section.position}`);
    seenPositions.set(section.position, name);
    problems.push(...problemsOf(section).map((problem) => `section "${name}": ${problem}`));
  }
  if (problems.length > 0) throw new Error(`invalid monitoring sections: ${problems.join('; ')}`);
}

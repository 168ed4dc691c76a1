import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import {
  APP_PLUGIN_DIR,
  DASHBOARDS_DIR,
  generateAppPluginJson,
  generateDashboards,
  KEWHATS,
  listJsonFiles,
  PROMETHEUS,
  type Dashboard,
  type DataSourceRef,
} from '../../src/dashboards/index.js';
import { LANGUAGES } from '../../src/sections/presentation.js';
import { SECTIONS } from '../../src/sections/index.js';
import { keWhatsQueries, provisionedDataSources, reduceFields, REPO_ROOT } from './support/repo-files.js';

/**
 * The committed dashboards are what Grafana loads (provisioning/grafana/dashboards is mounted
 * read-only): they must be the generator's output, byte for byte, and consistent with the rest
 * of the provisioning.
 */
const generated = generateDashboards(SECTIONS);
const committed = new Map(listJsonFiles(DASHBOARDS_DIR).map((name) => [name, readFileSync(join(DASHBOARDS_DIR, name), 'utf8')] as const));
const dashboards = [...committed.entries()].map(([name, text]) => {
  try {
    return JSON.parse(text) as Dashboard;
  } catch (error) {
    throw new Error(`${name} is not valid JSON: ${(error as Error).message}`);
  }
});

/** Every {type, uid} data source reference anywhere in a dashboard. */
function dataSourceRefs(value: unknown, found: DataSourceRef[] = []): DataSourceRef[] {
  if (Array.isArray(value)) value.forEach((item) => dataSourceRefs(item, found));
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'datasource') found.push(child as DataSourceRef);
      else dataSourceRefs(child, found);
    }
  }
  return found;
}

describe('committed dashboards (provisioning/grafana/dashboards)', () => {
  test('the folder holds one file per section in a folder per language, <language>/<section>.json, and nothing else', () => {
    assert.deepEqual(
      [...committed.keys()].sort(),
      LANGUAGES.flatMap((language) => SECTIONS.map((section) => `${language}/${section.name}.json`)).sort(),
    );
    assert.deepEqual(readdirSync(DASHBOARDS_DIR).sort(), [...LANGUAGES].sort());
    for (const language of LANGUAGES) assert.ok(committed.has(`${language}/dashboard.json`), `the home dashboard ${language}/dashboard.json`);
  });

  test('every file is the generator output byte for byte (run npm run grafana:generate -w exporter)', () => {
    for (const item of generated) {
      assert.equal(committed.get(item.fileName), item.json, `${item.fileName} differs from the generator output`);
    }
  });

  test('every dashboard refreshes every 30 s, has a uid unique in its language and the kewhats-monitoring tag', () => {
    assert.equal(dashboards.length, SECTIONS.length * LANGUAGES.length);
    assert.equal(new Set(dashboards.map((dashboard) => dashboard.uid)).size, SECTIONS.length);
    for (const dashboard of dashboards) {
      assert.equal(dashboard.refresh, '30s', dashboard.uid);
      assert.ok(dashboard.tags.includes('kewhats-monitoring'), dashboard.uid);
      assert.match(dashboard.uid, /^kewhats-[a-z]+$/);
      assert.ok(dashboard.uid.length <= 40, 'Grafana uids are at most 40 characters');
    }
  });

  test('only the provisioned data sources are referenced, with their types', () => {
    const provisioned = provisionedDataSources();
    // The generator's fixed references must be what provisioning/grafana/provisioning/datasources defines.
    for (const expected of [PROMETHEUS, KEWHATS]) {
      assert.ok(
        provisioned.some((source) => source.uid === expected.uid && source.type === expected.type),
        `data source ${expected.uid} (${expected.type}) is not provisioned: ${JSON.stringify(provisioned)}`,
      );
    }
    const known = (ref: DataSourceRef) => provisioned.some((source) => source.uid === ref.uid && source.type === ref.type);
    for (const dashboard of dashboards) {
      const refs = dataSourceRefs(dashboard.panels);
      assert.ok(refs.length > 0);
      for (const ref of refs) assert.ok(known(ref), `${dashboard.uid}: unknown data source ${JSON.stringify(ref)}`);
      for (const panel of dashboard.panels.filter((candidate) => candidate.type === 'kewhats-contactexport-panel')) {
        const uid = (panel.options as { datasourceUid: string }).datasourceUid;
        assert.ok(known({ uid, type: KEWHATS.type }), `${dashboard.uid}: export panel uses ${uid}`);
      }
    }
  });

  test('each dashboard has a stat card for every figure of its section, and one for lastUpdated', () => {
    for (const section of SECTIONS) {
      const dashboard = dashboards.find((candidate) => candidate.uid === `kewhats-${section.name}`);
      assert.ok(dashboard, `no dashboard for section ${section.name}`);
      const cards = keWhatsQueries([dashboard]).filter(({ panel, query }) => panel.type === 'stat' && query.shape === 'stats');
      for (const field of [...section.figures.map((figure) => figure.path), 'lastUpdated']) {
        const matching = cards.filter(({ query }) => query.field === field);
        assert.equal(matching.length, 1, `${dashboard.uid}: ${matching.length} stat cards for ${field}`);
        assert.equal(matching[0]!.query.section, section.name);
      }
    }
  });

  test('every stat card selects its number with the query field, never with a reduceOptions.fields pattern', () => {
    // Grafana matches the pattern against display names ("Messages sent"), so a name regex shows "No data".
    const stats = dashboards.flatMap((dashboard) => dashboard.panels.filter((panel) => panel.type === 'stat').map((panel) => ({ dashboard, panel })));
    assert.ok(stats.length > dashboards.length);
    for (const { dashboard, panel } of stats) {
      const where = `${dashboard.uid} "${panel.title}"`;
      assert.equal(reduceFields(panel), '', where);
      const targets = keWhatsQueries([dashboard]).filter((item) => item.panel === panel);
      assert.equal(targets.length, 1, where);
      assert.ok(targets[0]!.query.field, `${where}: the query has no field`);
    }
  });

  test('the plugin declares the panel and data source types the dashboards use', () => {
    const pluginIds = ['src/plugin.json', 'src/datasource/plugin.json', 'src/panels/contactexport/plugin.json']
      .map((path) => join(REPO_ROOT, 'grafana-plugin', path))
      .filter((path) => existsSync(path))
      .map((path) => (JSON.parse(readFileSync(path, 'utf8')) as { id: string }).id);
    const corePanels = new Set(['stat', 'piechart', 'barchart', 'timeseries']);
    for (const dashboard of dashboards) {
      for (const panel of dashboard.panels) {
        if (!corePanels.has(panel.type)) assert.ok(pluginIds.includes(panel.type), `${dashboard.uid}: panel type ${panel.type} is no plugin`);
      }
    }
    assert.ok(pluginIds.includes(KEWHATS.type), `grafana-plugin declares no ${KEWHATS.type}`);
  });

  test('Grafana finds them: the provider reads the mounted folder and the home is its dashboard.json', () => {
    const providersDir = join(REPO_ROOT, 'provisioning/grafana/provisioning/dashboards');
    const paths = readdirSync(providersDir)
      .filter((name) => /\.ya?ml$/.test(name))
      .flatMap((name) => {
        const doc = parse(readFileSync(join(providersDir, name), 'utf8')) as { providers?: Array<{ options?: { path?: string } }> };
        return (doc.providers ?? []).map((provider) => provider.options?.path);
      });
    assert.ok(paths.includes('/var/lib/grafana/dashboards/kewhats'), `dashboard providers read ${paths.join(', ')}`);
    // docker-compose.yml mounts the folder of DASHBOARD_LANGUAGE there (resolved in test/provisioning/compose.test.ts).
    const compose = readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
    assert.match(
      compose,
      /source: \.\/provisioning\/grafana\/dashboards\/\$\{DASHBOARD_LANGUAGE:-id\}\n\s+target: \/var\/lib\/grafana\/dashboards\/kewhats\n/,
    );
    const ini = readFileSync(join(REPO_ROOT, 'provisioning/grafana/grafana.ini'), 'utf8');
    assert.match(ini, /^default_home_dashboard_path\s*=\s*\/var\/lib\/grafana\/dashboards\/kewhats\/dashboard\.json\s*$/m);
  });

  test('the app plugin.json is the generator output: a sidebar page per section in sidebar order, the nested plugins by path', () => {
    const committedJson = JSON.parse(readFileSync(join(APP_PLUGIN_DIR, 'plugin.json'), 'utf8')) as unknown;
    // Compared as data: a reformatted file (Prettier) is still up to date.
    assert.deepEqual(committedJson, JSON.parse(generateAppPluginJson(SECTIONS).json), 'run npm run grafana:generate -w exporter');
  });
});

import type { Config } from '../config.js';
import { DEMO_LOGINS } from './seed.js';
import type { DemoEnvironment } from './demo-environment.js';

/** What a newcomer needs after `npm start`: where it runs, how to sign in, how to call it. */
export function printDemoBanner({ url, config, demo }: { url: string; config: Config; demo: DemoEnvironment }): void {
  const staff = DEMO_LOGINS.find((login) => login.role === 'monitoring') ?? DEMO_LOGINS[0]!;
  const lines = [
    '',
    'KeWhats Monitoring exporter: demo mode (embedded PostgreSQL, no DATABASE_URL set)',
    `  data folder      ${demo.dataDir}${demo.seeded ? ' (demo data seeded now)' : ''}`,
    `  listening on     ${url}`,
    `  console          ${url}${config.grafanaUrl ? '/console/' : '/'}  (open it in a browser; sign in as ${staff.email})`,
    `  metrics          ${url}/metrics`,
    `  MONITORING_TOKEN ${config.monitoringToken}`,
    '  demo logins      ' + DEMO_LOGINS.map((login) => `${login.email} / ${login.password} (${login.role})`).join('\n                   '),
    '',
    '  try:',
    `    curl -H "Authorization: Bearer ${config.monitoringToken}" ${url}/api/monitoring/dashboard`,
    `    curl -s -X POST -H 'Content-Type: application/json' -d '{"email":"monitoring@kewhats.app","password":"monitoring123"}' ${url}/api/auth/login`,
    '',
  ];
  console.log(lines.join('\n'));
}

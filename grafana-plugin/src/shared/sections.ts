/**
 * The KeWhats monitoring sections in sidebar order. The ids are the URL segments of
 * GET /api/monitoring/<id>; the dashboard uids and titles are fixed by the provisioned
 * dashboards (provisioning/grafana/dashboards) and mirrored in src/plugin.json `includes`.
 */
export const SECTION_IDS = [
  'dashboard',
  'users',
  'connections',
  'integrations',
  'chatbots',
  'broadcasts',
  'contacts',
  'webhooks',
] as const;

export type SectionId = (typeof SECTION_IDS)[number];

export interface SectionInfo {
  id: SectionId;
  title: string;
  /** uid of the provisioned dashboard: the page lives at /d/<uid>. */
  dashboardUid: string;
  description: string;
}

export const SECTIONS: readonly SectionInfo[] = [
  {
    id: 'dashboard',
    title: 'Dashboard',
    dashboardUid: 'kewhats-dashboard',
    description: 'Messages, users, API traffic and revenue',
  },
  { id: 'users', title: 'Users', dashboardUid: 'kewhats-users', description: 'Users by plan and role' },
  {
    id: 'connections',
    title: 'Connections',
    dashboardUid: 'kewhats-connections',
    description: 'WhatsApp devices by connection status',
  },
  {
    id: 'integrations',
    title: 'Integrations',
    dashboardUid: 'kewhats-integrations',
    description: 'Integrations by type',
  },
  { id: 'chatbots', title: 'Chatbots', dashboardUid: 'kewhats-chatbots', description: 'Chatbots and active sessions' },
  { id: 'broadcasts', title: 'Broadcasts', dashboardUid: 'kewhats-broadcasts', description: 'Broadcasts by status' },
  {
    id: 'contacts',
    title: 'Contacts',
    dashboardUid: 'kewhats-contacts',
    description: 'Contacts, emails and CSV exports',
  },
  { id: 'webhooks', title: 'Webhooks', dashboardUid: 'kewhats-webhooks', description: 'Active and inactive webhooks' },
];

export function isSectionId(value: unknown): value is SectionId {
  return typeof value === 'string' && (SECTION_IDS as readonly string[]).includes(value);
}

/** uid of the provisioned KeWhats Monitoring data source. */
export const DEFAULT_DATASOURCE_UID = 'kewhats-monitoring';
export const DATASOURCE_TYPE = 'kewhats-monitoring-datasource';

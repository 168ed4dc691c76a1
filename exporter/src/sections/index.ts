import { broadcastsSection } from './broadcasts.js';
import { chatbotsSection } from './chatbots.js';
import { connectionsSection } from './connections.js';
import { contactsSection } from './contacts.js';
import { dashboardSection } from './dashboard.js';
import { integrationsSection } from './integrations.js';
import type { Section } from './section.js';
import { usersSection } from './users.js';
import { webhooksSection } from './webhooks.js';

/**
 * The monitoring sections in sidebar order. The JSON API, /metrics and the Grafana dashboards
 * are all generated from this list: adding a section is adding its file and a line here.
 */
export const SECTIONS = [
  dashboardSection,
  usersSection,
  connectionsSection,
  integrationsSection,
  chatbotsSection,
  broadcastsSection,
  contactsSection,
  webhooksSection,
] as unknown as readonly Section[];


export function findSection(name: string): Section | undefined {
  return SECTIONS.find((section) => section.name === name);
}

import type { Label } from './presentation.js';
import { defineSection, numericRow, type TableQuery } from './section.js';
import { maintainedGroupsSql } from '../aggregates/maintained-sql.js';

/** The contact's email with surrounding whitespace (spaces, tabs, line breaks) removed. */
export const TRIMMED_EMAIL_SQL = `btrim("email", E' \\t\\n\\r\\f\\v')`;

/** "With email": not null and not blank once trimmed. The email export uses the same rule. */
export const CONTACT_HAS_EMAIL_SQL = `${TRIMMED_EMAIL_SQL} <> ''`;

const CONTACTS: Label = { id: 'Kontak', en: 'Contacts' };
const WITH_EMAIL: Label = { id: 'Kontak dengan Email', en: 'Contacts with email' };

export const contactCountsQuery: TableQuery<{ total: number; withEmail: number }> = {
  table: 'Contact',
  // The maintained counts, grouped by the rule above (docs/aggregates.md), not a scan of "Contact".
  sql: `SELECT coalesce(sum("value"), 0) AS total, coalesce(sum("value") FILTER (WHERE "group" = 'with_email'), 0) AS "withEmail"
        FROM (${maintainedGroupsSql('contacts')}) AS groups`,
  parse: (rows) => numericRow(rows, ['total', 'withEmail'] as const),
};

export const contactsSection = defineSection({
  name: 'contacts',
  tables: { contacts: contactCountsQuery },
  toJson: ({ contacts }) => ({ ...contacts }),
  metrics: [
    {
      name: 'kewhats_contacts',
      help: 'Contacts kept by all users.',
      type: 'gauge',
      samples: ({ contacts }) => [{ value: contacts.total }],
    },
    {
      name: 'kewhats_contacts_with_email',
      help: 'Contacts with a non-blank email.',
      type: 'gauge',
      samples: ({ contacts }) => [{ value: contacts.withEmail }],
    },
  ],
  title: CONTACTS,
  description: { id: 'Kontak, email dan ekspor CSV', en: 'Contacts, emails and CSV exports' },
  icon: 'book',
  position: 7,
  figures: [
    {
      path: 'total',
      label: { id: 'Total Kontak', en: 'Contacts' },
      description: { id: 'Kontak yang disimpan semua pengguna.', en: 'Contacts kept by all users.' },
    },
    {
      path: 'withEmail',
      label: WITH_EMAIL,
      description: { id: 'Kontak dengan email yang tidak kosong.', en: 'Contacts with a non-blank email.' },
    },
  ],
  breakdowns: [],
  trends: [
    {
      label: { id: 'Kontak dari waktu ke waktu', en: 'Contacts over time' },
      description: {
        id: 'Kontak yang disimpan semua pengguna, dan yang memiliki email.',
        en: 'Contacts kept by all users, and those with a non-blank email.',
      },
      unit: 'count',
      stacked: false,
      queries: [
        { expr: 'sum(kewhats_contacts)', legend: CONTACTS },
        { expr: 'sum(kewhats_contacts_with_email)', legend: WITH_EMAIL },
      ],
    },
  ],
  extras: [
    {
      kind: 'contactExport',
      exports: [
        { type: 'contact', fileStem: 'contacts', label: { id: 'Unduh kontak (CSV)', en: 'Download contacts (CSV)' } },
        { type: 'email', fileStem: 'emails', label: { id: 'Unduh email (CSV)', en: 'Download emails (CSV)' } },
      ],
    },
  ],
});

import { defineSection, numericRow, type TableQuery } from './section.js';

/** The contact's email with surrounding whitespace (spaces, tabs, line breaks) removed. */
export const TRIMMED_EMAIL_SQL = `btrim("email", E' \\t\\n\\r\\f\\v')`;

/** "With email": not null and not blank once trimmed. The email export uses the same rule. */
export const CONTACT_HAS_EMAIL_SQL = `${TRIMMED_EMAIL_SQL} <> ''`;

export const contactCountsQuery: TableQuery<{ total: number; withEmail: number }> = {
  table: 'Contact',
  sql: `SELECT count(*) AS total, count(*) FILTER (WHERE ${CONTACT_HAS_EMAIL_SQL}) AS "withEmail" FROM "Contact"`,
  parse: (rows) => numericRow(rows, ['total', 'withEmail'] as const),
};

export const contactsSection = defineSection({
  name: 'contacts',
  title: 'Contacts',
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
  figures: [
    { path: 'total', title: 'Contacts' },
    { path: 'withEmail', title: 'Contacts with email' },
  ],
  breakdowns: [],
});

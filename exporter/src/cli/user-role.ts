// `npm run user:role -- --email someone@example.com --role monitoring`: changes an account's
// role in DATABASE_URL. The same last-admin rule as PUT /api/admin/users/:id/role applies, so
// the command line cannot lock every admin out either, and a changed role ends the account's
// staff sessions at once. One line out, one line on failure.
import { parseArgs } from 'node:util';
import { isRole, ROLE_VALUES, type Role } from '../auth/roles.js';
import { normalizeEmail, UserAccounts } from '../auth/user-accounts.js';
import { connectDatabase } from '../db/connect.js';
import { createPrismaClient } from '../db/prisma.js';
import { runCli } from './run-cli.js';

const USAGE = `usage: npm run user:role -- --email EMAIL --role ${ROLE_VALUES.join('|')} [--help]`;

function parse(argv: string[]): { email: string; role: Role } {
  let values: { email?: string; role?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { email: { type: 'string' }, role: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new Error(`${(error as Error).message} (${USAGE})`);
  }
  if (!values.email?.trim()) throw new Error(`--email is required (${USAGE})`);
  if (!values.role) throw new Error(`--role is required (${USAGE})`);
  if (!isRole(values.role)) throw new Error(`--role must be one of ${ROLE_VALUES.join(', ')}, not "${values.role}"`);
  return { email: normalizeEmail(values.email), role: values.role };
}

await runCli(async () => {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    // The other flags are still checked, so a typo shows here too.
    const rest = argv.filter((arg) => arg !== '--help');
    const plan = rest.length > 0 ? parse(rest) : undefined;
    console.log(plan ? `${USAGE}\nwith these flags it would make ${plan.email} ${plan.role} in DATABASE_URL` : USAGE);
    return;
  }
  const { email, role } = parse(argv);
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: the database whose account to change');
  const pool = await connectDatabase(url, { max: 2, applicationName: 'kewhats-user-role' });
  const prisma = createPrismaClient(pool);
  try {
    const change = await new UserAccounts(prisma).setRoleByEmail(email, role);
    switch (change.outcome) {
      case 'not_found':
        throw new Error(`no user with email ${email}`);
      case 'last_admin':
        throw new Error(`${change.account.email} is the last admin: make another user admin first`);
      case 'updated':
        console.log(
          `${change.account.email} is now ${change.account.role}` +
            (change.endedSessions > 0 ? `; ${change.endedSessions} staff session${change.endedSessions === 1 ? '' : 's'} ended` : ''),
        );
    }
  } finally {
    await prisma.$disconnect();
    await pool.end();
  }
});

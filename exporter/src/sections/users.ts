import { Plan, Role } from '../generated/prisma/enums.js';
import { countsByValue, defineSection, type TableQuery } from './section.js';

export const PLANS = Object.values(Plan);
export const ROLES = Object.values(Role);

export interface UserCounts {
  /** count per (plan, role): the one grouping every user figure derives from */
  cells: Array<{ plan: Plan; role: Role; count: number }>;
}

/** The User table, read once per refresh for both this section and the dashboard's total. */
export const userCountsQuery: TableQuery<UserCounts> = {
  table: 'User',
  sql: 'SELECT "plan", "role", count(*) AS count FROM "User" GROUP BY "plan", "role"',
  parse: (rows) => ({
    cells: rows.map((row) => ({ plan: row.plan as Plan, role: row.role as Role, count: Number(row.count) })),
  }),
};

export function totalUsers(counts: UserCounts): number {
  return counts.cells.reduce((sum, cell) => sum + cell.count, 0);
}

export const usersSection = defineSection({
  name: 'users',
  title: 'Users',
  tables: { users: userCountsQuery },
  toJson: ({ users }) => ({
    total: totalUsers(users),
    byPlan: countsByValue(PLANS, users.cells, 'plan'),
    byRole: countsByValue(ROLES, users.cells, 'role'),
  }),
  metrics: [
    {
      name: 'kewhats_users',
      help: 'Users by plan and role.',
      type: 'gauge',
      labelNames: ['plan', 'role'],
      // Every (plan, role) pair is always present, so a series never vanishes at zero.
      samples: ({ users }) =>
        PLANS.flatMap((plan) =>
          ROLES.map((role) => ({
            labels: { plan, role },
            value: users.cells.find((cell) => cell.plan === plan && cell.role === role)?.count ?? 0,
          })),
        ),
    },
  ],
  figures: [
    { path: 'total', title: 'Total users' },
    ...PLANS.map((plan) => ({ path: `byPlan.${plan}`, title: `Plan ${plan}` })),
    ...ROLES.map((role) => ({ path: `byRole.${role}`, title: `Role ${role}` })),
  ],
  breakdowns: [
    { field: 'byPlan', title: 'Users by plan', chart: 'pie' },
    { field: 'byRole', title: 'Users by role', chart: 'bar' },
  ],
});

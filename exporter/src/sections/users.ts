import { Plan, Role } from '../generated/prisma/enums.js';
import { valueLabels, type Label } from './presentation.js';
import { countsByValue, defineSection, type TableQuery } from './section.js';
import { maintainedGroupsSql } from '../aggregates/maintained-sql.js';

export const PLANS = Object.values(Plan);
export const ROLES = Object.values(Role);

const PLAN_LABELS: Record<Plan, Label> = {
  free: { id: 'Gratis', en: 'Free' },
  pro: { id: 'Pro', en: 'Pro' },
  enterprise: { id: 'Enterprise', en: 'Enterprise' },
  unlimited: { id: 'Tanpa Batas', en: 'Unlimited' },
};

const ROLE_LABELS: Record<Role, Label> = {
  user: { id: 'Pengguna', en: 'User' },
  admin: { id: 'Admin', en: 'Admin' },
  monitoring: { id: 'Monitoring', en: 'Monitoring' },
};

export interface UserCounts {
  /** count per (plan, role): the one grouping every user figure derives from */
  cells: Array<{ plan: Plan; role: Role; count: number }>;
}

/** The User table, read once per refresh for both this section and the dashboard's total. */
export const userCountsQuery: TableQuery<UserCounts> = {
  table: 'User',
  // The maintained counts by "plan/role" (docs/aggregates.md), not a scan of "User".
  sql: `SELECT split_part("group", '/', 1) AS "plan", split_part("group", '/', 2) AS "role", "value" AS count
        FROM (${maintainedGroupsSql('users')}) AS groups`,
  parse: (rows) => ({
    cells: rows.map((row) => ({ plan: row.plan as Plan, role: row.role as Role, count: Number(row.count) })),
  }),
};

export function totalUsers(counts: UserCounts): number {
  return counts.cells.reduce((sum, cell) => sum + cell.count, 0);
}

export const usersSection = defineSection({
  name: 'users',
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
  title: { id: 'Pengguna', en: 'Users' },
  description: { id: 'Pengguna per paket dan peran', en: 'Users by plan and role' },
  icon: 'users-alt',
  position: 2,
  figures: [
    {
      path: 'total',
      label: { id: 'Total User Terdaftar', en: 'Registered users' },
      description: { id: 'Semua akun platform, dari setiap paket dan peran.', en: 'Every platform account, of every plan and role.' },
    },
    ...PLANS.map((plan) => ({
      path: `byPlan.${plan}`,
      label: { id: `Pengguna Paket ${PLAN_LABELS[plan].id}`, en: `Users on the ${PLAN_LABELS[plan].en} plan` },
      description: { id: `Akun dengan paket ${PLAN_LABELS[plan].id}.`, en: `Accounts on the ${PLAN_LABELS[plan].en} plan.` },
    })),
    ...ROLES.map((role) => ({
      path: `byRole.${role}`,
      label: { id: `Pengguna Berperan ${ROLE_LABELS[role].id}`, en: `Users with the ${ROLE_LABELS[role].en} role` },
      description: { id: `Akun dengan peran ${ROLE_LABELS[role].id}.`, en: `Accounts with the ${ROLE_LABELS[role].en} role.` },
    })),
  ],
  breakdowns: [
    {
      path: 'byPlan',
      chart: 'pie',
      label: { id: 'Pengguna per paket', en: 'Users by plan' },
      description: { id: 'Pembagian akun menurut paket langganan.', en: 'Accounts split by subscription plan.' },
      dimension: { id: 'Paket', en: 'Plan' },
      values: valueLabels(PLANS, PLAN_LABELS),
    },
    {
      path: 'byRole',
      chart: 'bar',
      label: { id: 'Pengguna per peran', en: 'Users by role' },
      description: { id: 'Pembagian akun menurut peran.', en: 'Accounts split by role.' },
      dimension: { id: 'Peran', en: 'Role' },
      values: valueLabels(ROLES, ROLE_LABELS),
    },
  ],
  trends: [
    {
      label: { id: 'Pengguna per paket dari waktu ke waktu', en: 'Users by plan over time' },
      description: {
        id: 'Pengguna terdaftar per paket, bertumpuk: garis teratas adalah totalnya.',
        en: 'Registered users per plan, stacked: the top line is the total.',
      },
      unit: 'count',
      stacked: true,
      queries: [{ expr: 'sum by (plan) (kewhats_users)', legend: '{{plan}}', values: valueLabels(PLANS, PLAN_LABELS) }],
    },
    {
      label: { id: 'Pengguna per peran dari waktu ke waktu', en: 'Users by role over time' },
      description: { id: 'Pengguna terdaftar per peran.', en: 'Registered users per role.' },
      unit: 'count',
      stacked: false,
      queries: [{ expr: 'sum by (role) (kewhats_users)', legend: '{{role}}', values: valueLabels(ROLES, ROLE_LABELS) }],
    },
  ],
});

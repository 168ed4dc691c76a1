import { Role } from '../generated/prisma/enums.js';

export { Role };
export const ROLE_VALUES = Object.values(Role);

/** Who may read the monitoring aggregates: staff roles only. */
export const MONITORING_ROLES: readonly Role[] = [Role.monitoring, Role.admin];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLE_VALUES as string[]).includes(value);
}
